import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gantry } from '../support/cli.ts';
import { type RunningPrometheus, type SeriesSpec, startPrometheus } from '../support/prometheus.ts';

/**
 * `gantry analyze` (the built CLI) against a real Prometheus holding generated series: one
 * app label per scenario, canary (track=canary) and baseline (track=stable), 15 s scrapes from
 * 09:55 to 10:30 UTC; the analysis window is 10:00–10:30 at 1 m steps (31 steps).
 * Expected numbers are computed here from the generated values, independently of gantry's code.
 */
const FIRST = Date.parse('2024-01-01T09:55:00Z') / 1000;
const END = Date.parse('2024-01-01T10:30:00Z') / 1000;
const WINDOW_START = END - 1800;

/** Deterministic noise in [-1, 1) (mulberry32), so that samples are not all tied. */
function noise(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

interface Side {
  /** Latency level in seconds; undefined: no latency series at all. */
  latency?: number;
  /** Which minutes (since 10:00) have NaN latency. */
  nanMinutes?: (minute: number) => boolean;
  /** Requests and errors per minute; undefined: no request series at all. */
  requests?: number;
  errors?: number;
}
type Scenario = { canary?: Side; stable?: Side };

const normal: Side = { latency: 0.2, requests: 1000, errors: 5 };
const scenarios: Record<string, Scenario> = {
  healthy: { canary: normal, stable: normal },
  slow: { canary: { ...normal, latency: 0.24 }, stable: normal },
  spike: { canary: { ...normal, errors: 50 }, stable: normal },
  idle: { canary: { requests: 0, errors: 0 }, stable: normal },
  gappy: { canary: { ...normal, nanMinutes: (m) => m % 6 === 2 }, stable: normal },
  holey: { canary: { ...normal, nanMinutes: (m) => m % 2 === 0 }, stable: normal },
  lonely: { canary: normal },
};

const latencyValues = new Map<string, Array<[number, number]>>();

function seriesOf(app: string, track: 'canary' | 'stable', side: Side, seed: number): SeriesSpec[] {
  const labels = { app, track };
  const out: SeriesSpec[] = [];
  const times: number[] = [];
  for (let t = FIRST; t <= END; t += 15) times.push(t);
  if (side.latency !== undefined) {
    const rand = noise(seed);
    const samples = times.map((t): [number, number] => {
      const minute = Math.floor((t - WINDOW_START) / 60);
      const nan = t >= WINDOW_START && side.nanMinutes?.(minute);
      return [t, nan ? Number.NaN : Number((side.latency! * (1 + 0.08 * rand())).toFixed(6))];
    });
    latencyValues.set(`${app}/${track}`, samples);
    out.push({ family: 'request_latency_seconds', type: 'gauge', labels, samples });
  }
  if (side.requests !== undefined) {
    const errors = side.errors ?? 0;
    const counter = (perMinute: number) =>
      times.map((t, i): [number, number] => [t, 1e6 + (i * perMinute) / 4]);
    out.push({
      family: 'http_requests',
      type: 'counter',
      labels: { ...labels, code: '200' },
      samples: counter(side.requests - errors),
    });
    out.push({
      family: 'http_requests',
      type: 'counter',
      labels: { ...labels, code: '500' },
      samples: counter(errors),
    });
  }
  return out;
}

/** The gauge's values at the window's steps, as Prometheus evaluates them (the sample at each minute). */
function stepValues(app: string, track: string): number[] {
  const samples = latencyValues.get(`${app}/${track}`) ?? [];
  return samples
    .filter(([t, v]) => t >= WINDOW_START && (t - WINDOW_START) % 60 === 0 && !Number.isNaN(v))
    .map(([, v]) => v);
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
/** Hodges-Lehmann by brute force: the median of all pairwise differences. */
const hodgesLehmann = (x: number[], y: number[]) => median(x.flatMap((a) => y.map((b) => a - b)));

const config = `version: 1
canary:
  prometheus: http://127.0.0.1:1
  window: 30m
  step: 1m
  selectors:
    canary: { app: "{app}", track: canary }
    baseline: { app: "{app}", track: stable }
  metrics:
    - name: latency
      query: max(request_latency_seconds{SELECTOR})
      direction: increase
      allowedIncrease: 1.1
    - name: error-rate
      ratio:
        numerator: sum(increase(http_requests_total{code="500",SELECTOR}[1m]))
        denominator: sum(increase(http_requests_total{SELECTOR}[1m]))
      direction: increase
      max: 0.02
      critical: true
`;

let prometheus: RunningPrometheus;
let dir: string;

beforeAll(async () => {
  const series = Object.entries(scenarios).flatMap(([app, s], i) => [
    ...(s.canary ? seriesOf(app, 'canary', s.canary, 100 + i) : []),
    ...(s.stable ? seriesOf(app, 'stable', s.stable, 200 + i) : []),
  ]);
  prometheus = await startPrometheus(series);
  dir = mkdtempSync(join(tmpdir(), 'gantry-analyze-'));
  writeFileSync(join(dir, '.gantry.yml'), config);
});

afterAll(async () => {
  await prometheus?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Metric {
  name: string;
  verdict: string;
  reason: string;
  baseline: number | null;
  canary: number | null;
  delta: number | null;
  relative: number | null;
  interval: { relativeLow: number; relativeHigh: number } | null;
  samples: { canary: number; baseline: number; expected: number };
  missing: { canary: number; baseline: number };
  traffic: { canary: number; baseline: number } | null;
  queries: { canary: string[]; baseline: string[] };
}

function analyze(app: string, extra: string[] = []) {
  const args = ['analyze', '--config', join(dir, '.gantry.yml'), '--app', app, '--env', 'staging'];
  const result = gantry([...args, '--prometheus', prometheus.url, '--end', '2024-01-01T10:30:00Z', ...extra]);
  return result;
}

function analyzeJson(app: string) {
  const result = analyze(app, ['--json']);
  const body = JSON.parse(result.stdout) as { verdict: string; summary: string; metrics: Metric[] };
  const metric = (name: string) => body.metrics.find((m) => m.name === name)!;
  return { code: result.code, body, latency: metric('latency'), errors: metric('error-rate') };
}

describe('gantry analyze against a real Prometheus', () => {
  it('passes a healthy canary (exit 0) with the numbers of the stored series', () => {
    const { code, body, latency, errors } = analyzeJson('healthy');
    expect(body.verdict).toBe('pass');
    expect(code).toBe(0);
    const x = stepValues('healthy', 'canary');
    const y = stepValues('healthy', 'stable');
    expect(x).toHaveLength(31);
    expect(latency.samples).toEqual({ canary: 31, baseline: 31, expected: 31 });
    expect(latency.canary).toBeCloseTo(median(x), 12);
    expect(latency.baseline).toBeCloseTo(median(y), 12);
    expect(latency.delta).toBeCloseTo(hodgesLehmann(x, y), 12);
    expect(latency.verdict).toBe('pass');
    // Exact counts from the raw samples: 30 minutes of 5 errors and 1000 requests a minute
    // (per-step increase() sums counted 31 minutes, and extrapolated).
    expect(errors).toMatchObject({ verdict: 'pass', traffic: { canary: 30000, baseline: 30000 } });
    expect(errors.canary).toBeCloseTo(0.005, 12);
    expect(errors.reason).toMatch(/within allowed \+0% \(canary 150\/30000, baseline 150\/30000\)$/);
    expect(latency.queries.canary).toEqual(['max(request_latency_seconds{app="healthy",track="canary"})']);
  });

  it('fails +20 % latency (exit 1) with the shift and its interval', () => {
    const { code, body, latency } = analyzeJson('slow');
    expect([body.verdict, code]).toEqual(['fail', 1]);
    const x = stepValues('slow', 'canary');
    const y = stepValues('slow', 'stable');
    expect(latency.delta).toBeCloseTo(hodgesLehmann(x, y), 12);
    expect(latency.relative).toBeCloseTo(hodgesLehmann(x, y) / median(y), 12);
    expect(latency.relative).toBeGreaterThan(0.15);
    expect(latency.relative).toBeLessThan(0.25);
    expect(latency.interval!.relativeLow).toBeGreaterThan(0.1);
    expect(latency.reason).toMatch(/^\+\d+\.\d% \(CI \+\d+\.\d%…\+\d+\.\d%\), allowed \+10\.0%$/);
    expect(body.summary).toBe('1 of 2 metrics failed: latency');
  });

  it('fails an error spike (exit 1) on the critical ratio metric, with exact counts', () => {
    const { code, body, errors, latency } = analyzeJson('spike');
    expect([body.verdict, code]).toEqual(['fail', 1]);
    expect(latency.verdict).toBe('pass');
    expect(errors.verdict).toBe('fail');
    expect(errors.canary).toBeCloseTo(0.05, 12);
    expect(errors.baseline).toBeCloseTo(0.005, 12);
    expect(errors.relative).toBeCloseTo(9, 9);
    expect(errors.traffic).toEqual({ canary: 30000, baseline: 30000 });
    expect(errors.reason).toMatch(
      /^canary rate 0\.05 is above the maximum 0\.02; \+900% \(CI \+\d+%…\+\d+%\), allowed \+0% \(canary 1500\/30000, baseline 150\/30000\)$/,
    );
    expect(body.summary).toBe('1 of 2 metrics failed: error-rate (critical)');
  });

  it('is inconclusive without canary traffic (exit 2)', () => {
    const { code, body, latency, errors } = analyzeJson('idle');
    expect([body.verdict, code]).toEqual(['inconclusive', 2]);
    expect(latency.reason).toMatch(
      /^no canary data: the query returned no values in the window \(canary: no values; baseline median 0\.\d+ over 31 of 31 steps\)$/,
    );
    expect(errors.reason).toBe(
      'too little canary traffic: 0 events in the denominator (minimum 100) (canary 0/0 over 31 of 31 steps; baseline 150/30000 over 31 of 31 steps)',
    );
    expect(errors.traffic).toEqual({ canary: 0, baseline: 30000 });
  });

  it('skips NaN gaps and decides on the remaining steps (exit 0)', () => {
    const { code, latency } = analyzeJson('gappy');
    const x = stepValues('gappy', 'canary');
    expect(x).toHaveLength(26);
    expect(latency.samples.canary).toBe(26);
    expect(latency.missing.canary).toBeCloseTo(5 / 31, 12);
    expect(latency.delta).toBeCloseTo(hodgesLehmann(x, stepValues('gappy', 'stable')), 12);
    expect([latency.verdict, code]).toEqual(['pass', 0]);
  });

  it('is inconclusive when NaN gaps cover too much of the window (exit 2)', () => {
    const { code, latency } = analyzeJson('holey');
    expect(latency).toMatchObject({
      verdict: 'inconclusive',
      reason: expect.stringMatching(
        /^canary data missing for 52% of the window \(maximum 25%\) \(canary median/,
      ),
      samples: { canary: 15, baseline: 31, expected: 31 },
    });
    expect(code).toBe(2);
  });

  it('is inconclusive when the baseline is missing (exit 2)', () => {
    const { code, body, latency, errors } = analyzeJson('lonely');
    expect([body.verdict, code]).toEqual(['inconclusive', 2]);
    expect(latency.reason).toMatch(
      /^no baseline data: the query returned no values in the window \(canary median/,
    );
    expect(errors.reason).toBe(
      'no baseline data: the query returned no values in the window (canary 150/30000 over 31 of 31 steps; baseline: no counts)',
    );
  });

  it('prints the markdown report with table, chart, queries and a graph link of the window', () => {
    const result = analyze('slow', ['--markdown']);
    expect(result.code).toBe(1);
    const report = result.stdout;
    expect(report).toMatch(/^### ❌ Canary fail: slow in staging\n/);
    expect(report).toContain('| latency | ❌ fail | 0.2');
    expect(report).toContain('```mermaid\nxychart-beta\n  title "latency: canary vs baseline"');
    expect(report).toContain('<details><summary>Queries and Prometheus links</summary>');
    expect(report).toContain('max(request_latency_seconds{app="slow",track="canary"})');
    expect(report).toContain(`](<${prometheus.url}/graph?g0.expr=`);
    expect(report).toContain('g0.range_input=1800s&g0.end_input=2024-01-01%2010%3A30%3A00');
    expect(report.length).toBeLessThan(65_536);
  });

  it('prints a text summary by default', () => {
    const result = analyze('healthy');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').slice(0, 2)).toEqual([
      'pass: healthy in staging: all 2 metrics passed',
      'window 2024-01-01T10:00:00.000Z → 2024-01-01T10:30:00.000Z (30m, step 1m), 98% intervals',
    ]);
  });
});
