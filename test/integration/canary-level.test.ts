import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../src/adapters/prometheus/client.ts';
import { analyze } from '../../src/app/analyze.ts';
import { mapLimit } from '../../src/app/map-limit.ts';
import type { AnalysisResult } from '../../src/core/canary/types.ts';
import { loadConfig } from '../../src/core/config/index.ts';
import { fixedClock } from '../../src/ports/clock.ts';
import { type RunningPrometheus, type SeriesSpec, startPrometheus } from '../support/prometheus.ts';

/**
 * The false-fail rate of healthy canaries on a real Prometheus (issue #15): SEEDS apps, each a
 * canary and a baseline drawn from the same distributions, in one backfill. 15 s scrapes at
 * an offset of 7 s from the minute (as real scrape offsets are), 09:55–10:30 UTC; the
 * analysis covers 10:00–10:30 with no tolerance (no allowedIncrease), at step 15 s and 1 m:
 *   latency     max(avg_over_time(gauge[1m]))          Mann-Whitney / Hodges-Lehmann
 *   error-rate  sum(increase(errors[1m])) / sum(increase(requests[1m]))   exact rate-ratio test
 * Direction `increase` and a 98 % two-sided interval make each a one-sided 1 % test, so at
 * most MAX_FAILS of SEEDS may fail: the 99.9 % binomial bound of scripts/reference/dependence.py
 * (Binomial(200, 0.01): P(X > 8) = 2.1e-4); either metric, 2 %: at most 11 (P(X > 11) = 7.9e-4).
 * Before thinning, step 15 s failed 8–12 %. A few sick canaries (+5 % latency, twice the
 * errors) must fail at both steps: thinning must not buy the level with blindness.
 */
const SEEDS = 200;
const MAX_FAILS = 8;
const MAX_FAILS_EITHER = 11;
const SICK = 8;
const FIRST = Date.parse('2024-01-01T09:55:00Z') / 1000 + 7;
const END = Date.parse('2024-01-01T10:30:00Z') / 1000;
const WINDOW_START = END - 1800;

/** mulberry32: deterministic uniform [0, 1). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Events that really happened in (WINDOW_START, END], per app and track, from the generator. */
const truth = new Map<string, { errors: number; requests: number }>();

function sideSeries(
  app: string,
  track: 'canary' | 'stable',
  seed: number,
  sick: { latency?: number; errors?: number } = {},
): SeriesSpec[] {
  const rand = random(seed);
  const labels = { app, track };
  const latency: [number, number][] = [];
  const ok: [number, number][] = [];
  const bad: [number, number][] = [];
  let good = 0;
  let errors = 0;
  const counted = { errors: 0, requests: 0 };
  for (let t = FIRST; t <= END; t += 15) {
    latency.push([t, Number((0.2 * (sick.latency ?? 1) * (1 + 0.1 * (2 * rand() - 1))).toFixed(6))]);
    const requests = 40 + Math.floor(rand() * 21);
    let failed = 0;
    for (let r = 0; r < requests; r++) if (rand() < 0.02 * (sick.errors ?? 1)) failed++;
    good += requests - failed;
    errors += failed;
    // Counted when the scrape after them lands in the window (the first one's are before it).
    if (t > WINDOW_START && ok.length > 0) {
      counted.errors += failed;
      counted.requests += requests;
    }
    ok.push([t, good]);
    bad.push([t, errors]);
  }
  truth.set(`${app}/${track}`, counted);
  return [
    { family: 'request_latency_seconds', type: 'gauge', labels, samples: latency },
    { family: 'http_requests', type: 'counter', labels: { ...labels, code: '200' }, samples: ok },
    { family: 'http_requests', type: 'counter', labels: { ...labels, code: '500' }, samples: bad },
  ];
}

const yaml = (step: string) => `version: 1
canary:
  prometheus: http://127.0.0.1:1
  window: 30m
  step: ${step}
  selectors:
    canary: { app: "{app}", track: canary }
    baseline: { app: "{app}", track: stable }
  metrics:
    - name: latency
      query: max(avg_over_time(request_latency_seconds{SELECTOR}[1m]))
      direction: increase
    - name: error-rate
      ratio:
        numerator: sum(increase(http_requests_total{code="500",SELECTOR}[1m]))
        denominator: sum(increase(http_requests_total{SELECTOR}[1m]))
      direction: increase
`;

let prometheus: RunningPrometheus;
const results = new Map<string, AnalysisResult[]>();
const sick = new Map<string, AnalysisResult[]>();

beforeAll(async () => {
  const series = [
    ...Array.from({ length: SEEDS }, (_, i) => [
      ...sideSeries(`seed-${i}`, 'canary', 1000 + i),
      ...sideSeries(`seed-${i}`, 'stable', 5000 + i),
    ]),
    ...Array.from({ length: SICK }, (_, i) => [
      ...sideSeries(`slow-${i}`, 'canary', 9000 + i, { latency: 1.05 }),
      ...sideSeries(`slow-${i}`, 'stable', 9500 + i),
      ...sideSeries(`faulty-${i}`, 'canary', 9100 + i, { errors: 2 }),
      ...sideSeries(`faulty-${i}`, 'stable', 9600 + i),
    ]),
  ].flat(2);
  prometheus = await startPrometheus(series);
  const metrics = new PrometheusMetrics({ url: prometheus.url });
  for (const step of ['15s', '1m']) {
    const config = await loadConfig({ file: '.gantry.yml', content: yaml(step) });
    const apps = [
      ...Array.from({ length: SEEDS }, (_, i) => `seed-${i}`),
      ...Array.from({ length: SICK }, (_, i) => [`slow-${i}`, `faulty-${i}`]).flat(),
    ];
    const all = await mapLimit(apps, 6, (app) =>
      analyze({
        metrics,
        config,
        app,
        environment: 'staging',
        clock: fixedClock(new Date(END * 1000)),
        end: new Date(END * 1000),
      }),
    );
    results.set(step, all.slice(0, SEEDS));
    sick.set(step, all.slice(SEEDS));
  }
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
});

const failures = (step: string, metric: string) =>
  results.get(step)!.filter((r) => r.metrics.find((m) => m.name === metric)!.verdict === 'fail').length;

describe(`healthy canaries on a real Prometheus, no tolerance (${SEEDS} seeds)`, () => {
  for (const step of ['15s', '1m']) {
    it(`step ${step}: every analysis is judged, latency and error rate each fail at most ${MAX_FAILS} (1 % + binomial margin)`, () => {
      const all = results.get(step)!;
      expect(all.every((r) => r.verdict !== 'inconclusive')).toBe(true);
      expect(failures(step, 'latency')).toBeLessThanOrEqual(MAX_FAILS);
      expect(failures(step, 'error-rate')).toBeLessThanOrEqual(MAX_FAILS);
      expect(all.filter((r) => r.verdict === 'fail').length).toBeLessThanOrEqual(MAX_FAILS_EITHER);
    });

    it(`step ${step}: sick canaries still fail (+5 % latency, twice the error rate)`, () => {
      const verdicts = sick.get(step)!.map((r) => {
        const metric = r.app.startsWith('slow') ? 'latency' : 'error-rate';
        return `${r.app}: ${r.metrics.find((m) => m.name === metric)!.verdict}`;
      });
      expect(verdicts.filter((v) => !v.endsWith('fail'))).toEqual([]);
    });
  }

  it('at step 15 s the latency test uses one step in four (ranges of 1 m overlap)', () => {
    const latency = results.get('15s')![0]!.metrics.find((m) => m.name === 'latency')!;
    expect(latency.samples).toEqual({ canary: 121, baseline: 121, expected: 121 });
    expect(latency.independence).toEqual({
      every: 4,
      spanSeconds: 60,
      used: { canary: 31, baseline: 31 },
      possible: 31,
    });
    const atMinute = results.get('1m')![0]!.metrics.find((m) => m.name === 'latency')!;
    expect(atMinute.independence).toBeUndefined();
  });

  it('the count test sees the exact integer counts of the window, at either step', () => {
    for (const step of ['15s', '1m']) {
      results.get(step)!.forEach((r, i) => {
        const errors = r.metrics.find((m) => m.name === 'error-rate')!;
        const canary = truth.get(`seed-${i}/canary`)!;
        const baseline = truth.get(`seed-${i}/stable`)!;
        expect(errors.traffic).toEqual({ canary: canary.requests, baseline: baseline.requests });
        expect(errors.reason).toContain(
          `(canary ${canary.errors}/${canary.requests}, baseline ${baseline.errors}/${baseline.requests})`,
        );
      });
    }
  });
});
