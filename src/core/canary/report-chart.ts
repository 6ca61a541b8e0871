import type { MetricResult, Point, Window } from './types.ts';

const MAX_BUCKETS = 48;
const VERDICT_RANK = { fail: 0, inconclusive: 1, pass: 2 } as const;

/**
 * The metric to chart: failures first, then inconclusive, then passes; within those, the one
 * whose interval lies furthest beyond its tolerance in a bad direction. Only metrics with
 * data can be charted.
 */
export function worstMetric(metrics: readonly MetricResult[]): MetricResult | undefined {
  const drawable = metrics.filter((m) => m.points.canary.length + m.points.baseline.length > 0);
  const badness = (m: MetricResult) => {
    const low = m.interval?.relativeLow;
    const high = m.interval?.relativeHigh;
    if (low == null || high == null) return Number.NEGATIVE_INFINITY;
    const up = m.direction === 'decrease' ? Number.NEGATIVE_INFINITY : low - m.allowed.increase;
    const down = m.direction === 'increase' ? Number.NEGATIVE_INFINITY : -m.allowed.decrease - high;
    return Math.max(up, down);
  };
  return [...drawable].sort(
    (a, b) => VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict] || badness(b) - badness(a),
  )[0];
}

/**
 * A Mermaid `xychart-beta` of canary (first line) and baseline (second line). Steps are
 * averaged into at most 48 buckets so that the chart stays legible and small; a bucket
 * without data carries the previous value (the first ones take the first value), because
 * Mermaid lines cannot have gaps. A side without any data has no line.
 */
export function mermaidChart(metric: MetricResult, window: Window): string {
  const steps = Math.floor((window.end - window.start) / window.stepSeconds) + 1;
  const buckets = Math.min(steps, MAX_BUCKETS);
  const width = (window.end - window.start + window.stepSeconds) / buckets;
  const bucketOf = (t: number) => Math.min(buckets - 1, Math.max(0, Math.floor((t - window.start) / width)));
  const lines = [metric.points.canary, metric.points.baseline]
    .filter((points) => points.length > 0)
    .map((points) => bucketMeans(points, buckets, bucketOf));
  const all = lines.flat();
  const decimals = decimalsFor(Math.max(...all.map(Math.abs)));
  // Minutes unless the buckets are shorter than one, where every label would read the same HH:MM.
  const withSeconds = width < 60 || window.start % 60 !== 0;
  const labels = Array.from(
    { length: buckets },
    (_, i) => `"${clock(window.start + i * width, withSeconds)}"`,
  );
  const sides = [
    metric.points.canary.length > 0 ? 'canary' : '',
    metric.points.baseline.length > 0 ? 'baseline' : '',
  ]
    .filter(Boolean)
    .join(' vs ');
  return [
    'xychart-beta',
    `  title "${metric.name}: ${sides}"`,
    `  x-axis [${labels.join(', ')}]`,
    `  y-axis "${metric.name}"`,
    ...lines.map((line) => `  line [${line.map((v) => v.toFixed(decimals)).join(', ')}]`),
  ].join('\n');
}

function bucketMeans(points: readonly Point[], buckets: number, bucketOf: (t: number) => number): number[] {
  const sums = new Array<number>(buckets).fill(0);
  const counts = new Array<number>(buckets).fill(0);
  for (const [t, v] of points) {
    const b = bucketOf(t);
    sums[b]! += v;
    counts[b]! += 1;
  }
  const first = counts.findIndex((c) => c > 0);
  let previous = sums[first]! / counts[first]!;
  return sums.map((sum, b) => {
    if (counts[b]! > 0) previous = sum / counts[b]!;
    return previous;
  });
}

/** Decimals that show about four significant digits of the largest value, without exponents. */
function decimalsFor(largest: number): number {
  if (!(largest > 0) || !Number.isFinite(largest)) return 0;
  return Math.min(12, Math.max(0, 3 - Math.floor(Math.log10(largest))));
}

function clock(seconds: number, withSeconds: boolean): string {
  return new Date(Math.round(seconds) * 1000).toISOString().slice(11, withSeconds ? 19 : 16);
}

/** What the chart's lines are, in the order drawn: "first line canary, second baseline". */
export function chartLegend(metric: MetricResult): string {
  const canary = metric.points.canary.length > 0;
  const baseline = metric.points.baseline.length > 0;
  if (canary && baseline) return 'first line canary, second baseline';
  return canary ? 'one line: canary (no baseline data)' : 'one line: baseline (no canary data)';
}
