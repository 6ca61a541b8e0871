import { describe, expect, it } from 'vitest';
import { GITHUB_COMMENT_LIMIT, renderReport } from '../../../src/core/canary/report.ts';
import { mermaidChart, worstMetric } from '../../../src/core/canary/report-chart.ts';
import { canaryStatus } from '../../../src/core/canary/status.ts';
import type { AnalysisResult, MetricResult } from '../../../src/core/canary/types.ts';

const start = Date.parse('2024-01-01T10:00:00Z') / 1000;
const points = (f: (i: number) => number) =>
  Array.from({ length: 31 }, (_, i): [number, number] => [start + 60 * i, f(i)]);

function metric(fields: Partial<MetricResult>): MetricResult {
  return {
    name: 'latency',
    kind: 'query',
    critical: false,
    direction: 'increase',
    verdict: 'pass',
    reason: '+1.0% (CI -2.0%…+3.0%), within allowed +10.0%',
    test: 'mann-whitney',
    baseline: 0.2,
    canary: 0.202,
    delta: 0.002,
    relative: 0.01,
    interval: { low: -0.004, high: 0.006, relativeLow: -0.02, relativeHigh: 0.03 },
    pValue: 0.41,
    allowed: { increase: 0.1, decrease: 0 },
    samples: { canary: 31, baseline: 31, expected: 31 },
    missing: { canary: 0, baseline: 0 },
    traffic: null,
    queries: { canary: ['max(x{track="canary"})'], baseline: ['max(x{track="stable"})'] },
    graphUrl: 'http://prom/graph?g0.expr=max(x)',
    points: { canary: points((i) => 0.2 + i / 1000), baseline: points(() => 0.2) },
    ...fields,
  };
}

function result(metrics: MetricResult[], fields: Partial<AnalysisResult> = {}): AnalysisResult {
  return {
    verdict: 'fail',
    summary: '1 of 2 metrics failed: error-rate (critical)',
    criticalFailure: true,
    app: 'web',
    environment: 'prod/eu-west',
    window: {
      start: '2024-01-01T10:00:00.000Z',
      end: '2024-01-01T10:30:00.000Z',
      seconds: 1800,
      stepSeconds: 60,
    },
    confidence: 0.98,
    rollback: 'manual',
    metrics,
    ...fields,
  };
}

const spike = metric({
  name: 'error-rate',
  kind: 'ratio',
  critical: true,
  verdict: 'fail',
  reason: '+900% (CI +500%…+1500%), allowed +0% (canary 1550/31000, baseline 155/31000)',
  test: 'rate-ratio',
  baseline: 0.005,
  canary: 0.05,
  delta: 0.045,
  relative: 9,
  interval: { low: 0.025, high: 0.075, relativeLow: 5, relativeHigh: 15 },
  pValue: 1e-12,
  allowed: { increase: 0, decrease: 0 },
  traffic: { canary: 31000, baseline: 31000 },
  queries: { canary: ['sum(e{c})', 'sum(r{c})'], baseline: ['sum(e{b})', 'sum(r{b})'] },
  points: { canary: points(() => 0.05), baseline: points(() => 0.005) },
});

describe('canary report', () => {
  it('renders the verdict line, the table, the chart of the worst metric and the queries', () => {
    const report = renderReport(result([metric({}), spike]));
    expect(report).toMatchSnapshot();
  });

  it('shows hostile text as text: no HTML, no table breaks, no mentions, no link escapes', () => {
    const evil = metric({
      verdict: 'inconclusive',
      reason: 'canary query failed: <img src=x onerror=alert(1)> | @team ![x](http://evil) `code`\nnext',
      graphUrl: 'http://prom/graph?g0.expr=a)b(c',
    });
    const report = renderReport(result([evil], { verdict: 'inconclusive', summary: '<script>' }));
    const row = report.split('\n').find((line) => line.startsWith('| latency'))!;
    expect(row).toBe(
      '| latency | ⚠️ inconclusive | 0.2 | 0.202 | +1.0% | -2.0%…+3.0% | 0.4100 | canary query failed: &lt;img src=x onerror=alert(1)&gt; \\| @\u200bteam \\!\\[x\\](http://evil) \\`code\\` next |',
    );
    expect(report).toContain('**&lt;script&gt;**');
    expect(report).toContain('[Prometheus graph](<http://prom/graph?g0.expr=a%29b%28c>)');
  });

  it('fences queries that contain backticks with a longer fence', () => {
    const report = renderReport(result([metric({ queries: { canary: ['x # ```'], baseline: ['y'] } })]));
    expect(report).toContain('````promql\nx # ```\n````');
  });

  it('stays under the comment limit however many metrics and however long the queries', () => {
    const long = 'sum(rate(x{SELECTOR}[1m]))'.repeat(200);
    const many = Array.from({ length: 700 }, (_, i) =>
      metric({
        name: `metric-${i}`,
        queries: { canary: [long], baseline: [long] },
        verdict: i === 699 ? 'fail' : 'pass',
      }),
    );
    const report = renderReport(result(many), { marker: '<!-- gantry:canary -->' });
    expect(report.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(report.startsWith('<!-- gantry:canary -->\n### ❌ Canary fail')).toBe(true);
    // Failures are kept first when rows must go, and the report says what was left out.
    expect(report).toContain('| metric-699 | ❌ fail |');
    expect(report).toMatch(/\*\d+ more metric\(s\) are left out: the report would be too long/);
    // A middle size sheds the queries but keeps every row and the chart.
    const some = renderReport(result(many.slice(0, 60)));
    expect(some.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(some).toContain('| metric-59 |');
    expect(some).toContain('```mermaid');
    expect(some).toContain('*The queries are left out: the report would be too long.*');
  });
});

describe('report chart', () => {
  it('picks failures first, then the one furthest beyond its tolerance', () => {
    const slightly = metric({
      name: 'a',
      verdict: 'fail',
      interval: { low: 0, high: 0, relativeLow: 0.12, relativeHigh: 0.2 },
    });
    const badly = metric({
      name: 'b',
      verdict: 'fail',
      interval: { low: 0, high: 0, relativeLow: 0.5, relativeHigh: 0.9 },
    });
    expect(worstMetric([metric({ name: 'ok' }), slightly, badly])!.name).toBe('b');
    expect(
      worstMetric([
        metric({ name: 'ok' }),
        metric({ name: 'none', verdict: 'fail', points: { canary: [], baseline: [] } }),
      ])!.name,
    ).toBe('ok');
  });

  it('averages into at most 48 buckets and carries values over gaps', () => {
    const window = { start, end: start + 3600 * 2, stepSeconds: 15 };
    const canary: [number, number][] = [];
    for (let t = start; t <= window.end; t += 15)
      if (t < start + 3600 || t > start + 5400) canary.push([t, 1]);
    const chart = mermaidChart(metric({ points: { canary, baseline: [] } }), window);
    const lines = chart.split('\n');
    expect(lines[1]).toBe('  title "latency: canary"');
    const values = lines
      .find((l) => l.startsWith('  line'))!
      .slice(8, -1)
      .split(', ');
    expect(values).toHaveLength(48);
    expect(new Set(values)).toEqual(new Set(['1.000']));
    expect(lines.filter((l) => l.startsWith('  line'))).toHaveLength(1);
  });
});

describe('what the report explains (issue #15)', () => {
  it('an inconclusive ratio row shows the rates and integer counts it measured', () => {
    const idle = metric({
      name: 'error-rate',
      kind: 'ratio',
      verdict: 'inconclusive',
      reason:
        'too little canary traffic: 33 events in the denominator (minimum 100) (canary 10/33 over 12 of 31 steps; baseline 150/30000 over 31 of 31 steps)',
      test: null,
      baseline: 0.005,
      canary: 10 / 33,
      delta: null,
      relative: null,
      interval: null,
      pValue: null,
      traffic: { canary: 33.3333, baseline: 30000 },
      queries: { canary: ['sum(e{c})', 'sum(r{c})'], baseline: ['sum(e{b})', 'sum(r{b})'] },
    });
    const report = renderReport(result([idle], { verdict: 'inconclusive' }));
    const row = report.split('\n').find((line) => line.startsWith('| error-rate'))!;
    expect(row).toContain('| ⚠️ inconclusive | 0.5% | 30.3% | — | — | — | too little canary traffic');
    expect(row).toContain('(canary 10/33 over 12 of 31 steps; baseline 150/30000 over 31 of 31 steps)');
    expect(report).toContain('traffic canary ≈33, baseline 30000');
    expect(report).not.toMatch(/33\.3/);
  });

  it('the chart caption names the lines that are drawn', () => {
    const lonely = metric({ verdict: 'inconclusive', points: { canary: points(() => 0.2), baseline: [] } });
    const report = renderReport(result([lonely], { verdict: 'inconclusive' }));
    expect(report).toContain('over the window — one line: canary (no baseline data);');
    expect(report).not.toContain('second baseline');
    expect(renderReport(result([metric({})]))).toContain('— first line canary, second baseline;');
  });

  it('labels the x-axis with seconds when buckets are shorter than a minute, and they are distinct', () => {
    const window = { start, end: start + 1800, stepSeconds: 15 };
    const canary = Array.from({ length: 121 }, (_, i): [number, number] => [start + 15 * i, 1]);
    const chart = mermaidChart(metric({ points: { canary, baseline: canary } }), window);
    const labels = /x-axis \[(.*)\]/.exec(chart)![1]!.split(', ');
    expect(labels[0]).toBe('"10:00:00"');
    expect(new Set(labels).size).toBe(labels.length);
    const minutes = mermaidChart(metric({}), { start, end: start + 1800, stepSeconds: 60 });
    expect(/x-axis \[(.*)\]/.exec(minutes)![1]!.split(', ').slice(0, 2)).toEqual(['"10:00"', '"10:01"']);
  });

  it('says which metrics were tested on independent steps only', () => {
    const thinned = metric({
      samples: { canary: 121, baseline: 121, expected: 121 },
      independence: { every: 4, spanSeconds: 60, used: { canary: 31, baseline: 31 }, possible: 31 },
    });
    const report = renderReport(result([thinned], { window: { ...result([]).window, stepSeconds: 15 } }));
    expect(report).toContain(
      '*Overlapping ranges make consecutive steps dependent, so these were tested on independent steps only: latency (ranges of 1m: one step in 4, at most 31 samples).*',
    );
    expect(report).toContain(
      'samples canary 121, baseline 121 of 121 steps · tested on 31 and 31 independent steps (one in 4)',
    );
  });
});

describe('commit status', () => {
  it('maps verdicts to states and keeps the description under 140 characters', () => {
    const status = canaryStatus(result([spike], { summary: 'x'.repeat(300) }), 'https://ci/1');
    expect(status).toMatchObject({ context: 'gantry/canary', state: 'failure', targetUrl: 'https://ci/1' });
    expect(status.description.length).toBe(140);
    expect(canaryStatus(result([], { verdict: 'inconclusive' })).state).toBe('error');
    expect(canaryStatus(result([], { verdict: 'pass' })).state).toBe('success');
  });
});
