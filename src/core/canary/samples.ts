import type { Point, QueryOutcome, Window } from './types.ts';

/** Steps Prometheus evaluates in a window: start, start + step, …, ≤ end. */
export function expectedSteps(window: Window): number {
  return Math.floor((window.end - window.start) / window.stepSeconds + 1e-9) + 1;
}

/** One side of one query, reduced to its finite per-step values. */
export type SideSamples =
  | { kind: 'error'; reason: string }
  | { kind: 'empty' }
  | { kind: 'ok'; points: Point[]; missing: number };

/**
 * The finite samples of a query that must yield at most one series. NaN and ±Inf (a ratio
 * over no requests, a quantile over no observations) count as missing, like absent steps.
 * Points outside the window are ignored. Several series are refused rather than pooled: the query should aggregate (sum, avg, max)
 * so that it means one thing per side.
 */
export function sideSamples(outcome: QueryOutcome, window: Window, what: string): SideSamples {
  if ('error' in outcome) return { kind: 'error', reason: `${what} query failed: ${outcome.error}` };
  const { series } = outcome;
  if (series.length === 0) return { kind: 'empty' };
  if (series.length > 1) {
    return {
      kind: 'error',
      reason: `${what} query returned ${series.length} series; aggregate it to one, e.g. sum(…) or max(…)`,
    };
  }
  const points = series[0]!.samples.filter(
    ([t, v]) => Number.isFinite(v) && t >= window.start && t <= window.end,
  );
  if (points.length === 0) return { kind: 'empty' };
  return { kind: 'ok', points, missing: missingShare(points.length, window) };
}

export function missingShare(present: number, window: Window): number {
  const expected = expectedSteps(window);
  return Math.max(0, (expected - present) / expected);
}

export interface CountSamples {
  /** Σ numerator and Σ denominator over steps where the denominator is finite, times `scale`. */
  events: number;
  exposure: number;
  /** Per-step numerator / denominator where the denominator is positive, for charts. */
  points: Point[];
  /** Steps where the denominator is finite. */
  steps: number;
  missing: number;
  /** The numerator returned no series at all (counted as zero events). */
  numeratorEmpty: boolean;
}

/**
 * Totals of a ratio metric's side. The denominator decides which steps have data; a
 * numerator without a value at such a step counts as 0 events, because Prometheus has no
 * series for an error code that never occurred. `scale` (≤ 1) corrects for overlapping
 * ranges: increase(x[2m]) evaluated every 1m counts each event twice, so its sum is halved.
 */
export function countSamples(
  numerator: QueryOutcome,
  denominator: QueryOutcome,
  window: Window,
  what: string,
  scale: number,
): CountSamples | { kind: 'error'; reason: string } | { kind: 'empty' } {
  const den = sideSamples(denominator, window, `${what} denominator`);
  if (den.kind !== 'ok') return den;
  if ('error' in numerator)
    return { kind: 'error', reason: `${what} numerator query failed: ${numerator.error}` };
  if (numerator.series.length > 1) {
    return {
      kind: 'error',
      reason: `${what} numerator query returned ${numerator.series.length} series; aggregate it to one, e.g. sum(…)`,
    };
  }
  const byTime = new Map<number, number>();
  for (const [t, v] of numerator.series[0]?.samples ?? []) if (Number.isFinite(v)) byTime.set(t, v);
  let events = 0;
  let exposure = 0;
  const points: Point[] = [];
  for (const [t, d] of den.points) {
    const n = byTime.get(t) ?? 0;
    events += n;
    exposure += d;
    if (d > 0) points.push([t, n / d]);
  }
  return {
    events: events * scale,
    exposure: exposure * scale,
    points,
    steps: den.points.length,
    missing: den.missing,
    numeratorEmpty: numerator.series.length === 0,
  };
}

export function median(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
