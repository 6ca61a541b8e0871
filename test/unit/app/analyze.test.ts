import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../../src/adapters/prometheus/client.ts';
import { prometheusOptions } from '../../../src/adapters/prometheus/options.ts';
import { analyze, BUDGET_MARGIN_MS } from '../../../src/app/analyze.ts';
import { mapLimit } from '../../../src/app/map-limit.ts';
import { parseConfig } from '../../../src/core/config/index.ts';
import { MetricsError, UsageError } from '../../../src/core/errors.ts';
import { fixedClock } from '../../../src/ports/clock.ts';
import type { Metrics, RangeQuery, Series } from '../../../src/ports/metrics.ts';

const END = new Date('2024-01-01T10:30:00Z');

/** A Metrics fake: answers by query text, records requests and the most queries in flight. */
function fakeMetrics(answer: (q: RangeQuery) => Series[] | Error) {
  const requests: RangeQuery[] = [];
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const metrics: Metrics = {
    async queryRange(request) {
      requests.push(request);
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      const result = answer(request);
      if (result instanceof Error) throw result;
      return result;
    },
    queryInstant: async () => [],
    graphUrl: (queries, range) =>
      `graph:${queries.join('|')}@${range.start.toISOString()}/${range.stepSeconds}`,
  };
  return { metrics, requests, state };
}

/** One series with `value` at every step of the request's range. */
function constant(request: RangeQuery, value: (i: number) => number): Series[] {
  const samples: [number, number][] = [];
  const start = request.start.getTime() / 1000;
  for (let i = 0; start + i * request.stepSeconds <= request.end.getTime() / 1000; i++) {
    samples.push([start + i * request.stepSeconds, value(i)]);
  }
  return [{ labels: {}, samples }];
}

const yaml = (metrics: string, extra = '') => `version: 1
environments:
  - name: staging
    canary: { window: 10m, step: 30s, rollback: auto }
  - name: prod
    after: staging
    targets: [prod/eu-west, prod/us-east]
    canary: { window: 1h }
apps:
  web: { artifacts: [{ kind: file, path: "{env}/web.yml" }] }
${extra}canary:
  prometheus: http://prom
  selectors:
    canary: { app: "{app}", namespace: "{env}", track: canary }
    baseline: { app: "{app}", namespace: "{env}", track: stable }
  metrics:
${metrics}`;
const latency = '    - name: latency\n      query: max(lat{SELECTOR})\n';
const config = (metrics = latency) => parseConfig({ file: '.gantry.yml', content: yaml(metrics) });
const clock = fixedClock(END);

describe('analyze use case', () => {
  it('resolves the selectors for app and target and uses the environment window and step', async () => {
    const fake = fakeMetrics((q) => constant(q, (i) => 1 + (i % 3)));
    const result = await analyze({
      metrics: fake.metrics,
      config: config(),
      app: 'web',
      environment: 'prod/eu-west',
      clock,
    });
    expect(fake.requests.map((r) => r.query)).toEqual([
      'max(lat{app="web",namespace="prod/eu-west",track="canary"})',
      'max(lat{app="web",namespace="prod/eu-west",track="stable"})',
    ]);
    expect(fake.requests[0]).toMatchObject({
      start: new Date('2024-01-01T09:30:00Z'),
      end: END,
      stepSeconds: 60,
    });
    expect(result).toMatchObject({
      verdict: 'pass',
      app: 'web',
      environment: 'prod/eu-west',
      window: {
        start: '2024-01-01T09:30:00.000Z',
        end: '2024-01-01T10:30:00.000Z',
        seconds: 3600,
        stepSeconds: 60,
      },
      rollback: 'manual',
    });
    expect(result.metrics[0]!.samples).toEqual({ canary: 61, baseline: 61, expected: 61 });
    expect(result.metrics[0]!.graphUrl).toBe(
      'graph:max(lat{app="web",namespace="prod/eu-west",track="canary"})|max(lat{app="web",namespace="prod/eu-west",track="stable"})@2024-01-01T09:30:00.000Z/60',
    );
  });

  it('takes --window over the environment, and the end it is given', async () => {
    const fake = fakeMetrics((q) => constant(q, () => 1));
    const end = new Date('2024-01-01T08:00:00Z');
    const result = await analyze({
      metrics: fake.metrics,
      config: config(),
      app: 'web',
      environment: 'staging',
      clock,
      end,
      window: '20m',
    });
    expect(result.window).toEqual({
      start: '2024-01-01T07:40:00.000Z',
      end: '2024-01-01T08:00:00.000Z',
      seconds: 1200,
      stepSeconds: 30,
    });
    expect(result.rollback).toBe('auto');
  });

  it('runs the queries in parallel, never more at once than allowed', async () => {
    const metrics = Array.from(
      { length: 10 },
      (_, i) => `    - name: m${i}\n      query: max(m${i}{SELECTOR})\n`,
    ).join('');
    const fake = fakeMetrics((q) => constant(q, () => 1));
    const result = await analyze({
      metrics: fake.metrics,
      config: config(metrics),
      app: 'web',
      environment: 'staging',
      clock,
      concurrency: 3,
    });
    expect(fake.requests).toHaveLength(20);
    expect(fake.state.maxInFlight).toBe(3);
    expect(result.metrics.map((m) => m.name)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
  });

  it('halves the counts of ratio queries whose range is twice the step', async () => {
    const ratio = `    - name: errors
      ratio:
        numerator: sum(increase(e{SELECTOR}[1m])) * 1
        denominator: sum(increase(r{SELECTOR}[1m])) * 1
`;
    // Not a plain counter increase (a product): the per-step sums are used, scaled.
    const fake = fakeMetrics((q) => constant(q, () => (q.query.startsWith('sum(increase(e') ? 2 : 100)));
    const result = await analyze({
      metrics: fake.metrics,
      config: config(ratio),
      app: 'web',
      environment: 'staging',
      clock,
    });
    // staging: 10m at 30s = 21 steps of increase(…[1m]) — each event is counted twice.
    expect(result.metrics[0]!.traffic).toEqual({ canary: 1050, baseline: 1050 });
    expect(result.metrics[0]!.queries.canary).toEqual([
      'sum(increase(e{app="web",namespace="staging",track="canary"}[1m])) * 1',
      'sum(increase(r{app="web",namespace="staging",track="canary"}[1m])) * 1',
    ]);
  });

  it('counts a counter ratio exactly from its raw samples over the window', async () => {
    const ratio = `    - name: errors
      ratio:
        numerator: sum(increase(e{SELECTOR}[1m]))
        denominator: sum(increase(r{SELECTOR}[1m]))
`;
    const fake = fakeMetrics((q) =>
      constant(q, () => (q.query.startsWith('sum(increase(e') ? 2.6667 : 133.333)),
    );
    const instants: [string, string][] = [];
    const end = END.getTime() / 1000;
    fake.metrics.queryInstant = async (query, at) => {
      instants.push([query, at.toISOString()]);
      // Two series per side, 15 s scrapes from 15 minutes before the end; one resets.
      const perScrape = query.startsWith('e{') ? 1 : 50;
      const samples = (from: number, reset?: number): [number, number][] =>
        Array.from({ length: 61 }, (_, i) => [
          end - 900 + 15 * i,
          reset !== undefined && i >= reset ? (i - reset) * perScrape : from + i * perScrape,
        ]);
      return [
        { labels: { pod: 'a' }, samples: samples(1000) },
        { labels: { pod: 'b' }, samples: samples(500, 40) },
      ];
    };
    const result = await analyze({
      metrics: fake.metrics,
      config: config(ratio),
      app: 'web',
      environment: 'staging',
      clock,
    });
    expect(instants).toEqual([
      ['e{app="web",namespace="staging",track="canary"}[900s]', END.toISOString()],
      ['r{app="web",namespace="staging",track="canary"}[900s]', END.toISOString()],
      ['e{app="web",namespace="staging",track="stable"}[900s]', END.toISOString()],
      ['r{app="web",namespace="staging",track="stable"}[900s]', END.toISOString()],
    ]);
    // 10 minutes = 40 scrape intervals per series; across the reset to 0 the counter's value
    // (0) is what happened since the restart: 40·50 + 39·50 requests, 40 + 39 errors.
    const metric = result.metrics[0]!;
    expect(metric.traffic).toEqual({ canary: 3950, baseline: 3950 });
    expect(metric.reason).toMatch(/\(canary 79\/3950, baseline 79\/3950\)$/);
    expect(metric.queries.canary.slice(2)).toEqual([
      'e{app="web",namespace="staging",track="canary"}[900s]',
      'r{app="web",namespace="staging",track="canary"}[900s]',
    ]);
  });

  it('ends within the configured timeout plus a margin when Prometheus hangs, whatever the retries', async () => {
    const hung: Metrics = {
      queryRange: (request) =>
        new Promise((_, reject) =>
          request.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
      queryInstant: () => new Promise(() => {}),
      graphUrl: () => 'graph',
    };
    const metrics = `    - name: latency
      query: max(x{SELECTOR})
    - name: errors
      ratio: { numerator: 'sum(increase(e{SELECTOR}[1m]))', denominator: 'sum(increase(r{SELECTOR}[1m]))' }
`;
    const withTimeout = config(metrics).canary!;
    const started = Date.now();
    const result = await analyze({
      metrics: hung,
      config: {
        ...config(metrics),
        canary: { ...withTimeout, prometheus: { url: 'http://prom', timeout: '1s' } },
      },
      app: 'web',
      environment: 'staging',
      clock,
    });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(1000);
    expect(took).toBeLessThan(1000 + BUDGET_MARGIN_MS + 500);
    expect(result.verdict).toBe('inconclusive');
    expect(result.metrics.map((m) => m.reason)).toEqual([
      "canary query failed: no answer within the analysis' time budget of 2s (canary.prometheus.timeout plus 1s) (canary: no values; baseline: no values)",
      "canary denominator query failed: no answer within the analysis' time budget of 2s (canary.prometheus.timeout plus 1s) (canary: no counts; baseline: no counts)",
    ]);
  });

  it('bounds the real Prometheus client too: a hung server, 1 s timeout and two retries take 2 s, not 3.75 s', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const server = createServer(() => {}); // accepts, never answers
    server.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const base = config();
      const withTimeout = { ...base, canary: { ...base.canary!, prometheus: { url, timeout: '1s' } } };
      const metrics = new PrometheusMetrics(prometheusOptions(withTimeout.canary.prometheus, {}));
      const started = Date.now();
      const result = await analyze({
        metrics,
        config: withTimeout,
        app: 'web',
        environment: 'staging',
        clock,
      });
      expect(Date.now() - started).toBeLessThan(1000 + BUDGET_MARGIN_MS + 500);
      expect(result.metrics[0]!.reason).toMatch(/time budget of 2s/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('turns metrics failures into inconclusive metrics, and lets other errors through', async () => {
    const failing = fakeMetrics(
      () => new MetricsError('Prometheus at http://prom did not answer within 30s (3 attempts)', 'timeout'),
    );
    const result = await analyze({
      metrics: failing.metrics,
      config: config(),
      app: 'web',
      environment: 'staging',
      clock,
    });
    expect(result).toMatchObject({ verdict: 'inconclusive' });
    expect(result.metrics[0]!.reason).toBe(
      'canary query failed: Prometheus at http://prom did not answer within 30s (3 attempts) (canary: no values; baseline: no values)',
    );
    const broken = fakeMetrics(() => new TypeError('bug'));
    await expect(
      analyze({ metrics: broken.metrics, config: config(), app: 'web', environment: 'staging', clock }),
    ).rejects.toThrow(TypeError);
  });

  it('refuses unknown apps and environments, and configurations without canary, before querying', async () => {
    const fake = fakeMetrics(() => []);
    const run = (fields: Partial<Parameters<typeof analyze>[0]>) =>
      analyze({
        metrics: fake.metrics,
        config: config(),
        app: 'web',
        environment: 'staging',
        clock,
        ...fields,
      });
    await expect(run({ app: 'wbe' })).rejects.toThrow(
      new UsageError('"wbe" is not an app (did you mean "web"?); expected one of: web'),
    );
    await expect(run({ environment: 'prod/eu' })).rejects.toThrow(
      /"prod\/eu" is not an environment or target/,
    );
    await expect(run({ environment: 'x"}' })).rejects.toThrow(/is not an environment/);
    await expect(run({ window: '10s' })).rejects.toThrow(
      'step "30s" must be a duration no longer than the window (10s)',
    );
    await expect(run({ config: parseConfig({ file: 'x.yml', content: 'version: 1\n' }) })).rejects.toThrow(
      'the configuration has no "canary:" section',
    );
    expect(fake.requests).toEqual([]);
  });
});

describe('mapLimit', () => {
  it('keeps input order and reports the first error after running tasks settle', async () => {
    expect(await mapLimit([3, 1, 2], 2, async (n) => n * 10)).toEqual([30, 10, 20]);
    const settled: number[] = [];
    await expect(
      mapLimit([1, 2, 3], 3, async (n) => {
        await new Promise((r) => setTimeout(r, n));
        settled.push(n);
        if (n === 1) throw new Error('one');
        return n;
      }),
    ).rejects.toThrow('one');
    expect(settled.sort()).toEqual([1, 2, 3]);
  });
});
