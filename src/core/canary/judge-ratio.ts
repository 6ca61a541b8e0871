import type { MetricConfig } from '../config/schema.ts';
import { formatNumber, formatPercent } from './format.ts';
import type { ExactCounts } from './judge.ts';
import {
  alternativeOf,
  boundProblem,
  compareInterval,
  dataProblem,
  emptyResult,
  formatAllowed,
  type JudgeSettings,
  type MetricContext,
} from './judge.ts';
import { rateRatioTest } from './rate-ratio.ts';
import { countSamples } from './samples.ts';
import type { MetricResult, QueryOutcome } from './types.ts';

type Side = { numerator: QueryOutcome; denominator: QueryOutcome };

/**
 * A `ratio` metric (bad events / all events), judged on counts summed over the window:
 *   1. Each side needs denominator data (as for query metrics) and at least
 *      ratio.minTraffic events in the denominator — otherwise inconclusive.
 *   2. Absolute bounds apply to the canary's pooled rate Σ numerator / Σ denominator.
 *   3. Baseline comparison: the exact conditional test of two Poisson rates (rate-ratio.ts)
 *      and its two-sided interval for canary rate / baseline rate. The metric fails when the
 *      whole interval lies above allowedIncrease (or below allowedDecrease).
 */
export function judgeRatioMetric(
  metric: MetricConfig,
  data: {
    canary: Side;
    baseline: Side;
    scale: number;
    exact?: { canary: ExactCounts; baseline: ExactCounts };
  },
  settings: JudgeSettings,
  context: MetricContext,
): MetricResult {
  const result = emptyResult(metric, settings, context);
  const minSamples = metric.minSamples ?? settings.minSamples;
  const minTraffic = metric.ratio?.minTraffic ?? 100;
  // When a count query failed (say, a response too large), both sides fall back to the
  // per-step sums, approximate but never mixed with exact ones, and the reason says so.
  const lost = data.exact ? [data.exact.canary, data.exact.baseline].find((e) => 'error' in e) : undefined;
  const counted = lost ? undefined : data.exact;
  const side = (s: Side, what: 'canary' | 'baseline') => {
    const steps = countSamples(s.numerator, s.denominator, settings.window, what, data.scale);
    const exact = counted?.[what];
    if (!exact || !('events' in steps) || 'error' in exact) return steps;
    // The per-step queries still say which steps have data (and draw the chart); the counts
    // come from the raw samples.
    return { ...steps, events: exact.events, exposure: exact.exposure };
  };
  const exact = counted !== undefined;
  const fallback =
    lost && 'error' in lost ? `; exact counts unavailable (${lost.error}), per-step sums used` : '';
  const canary = side(data.canary, 'canary');
  const baseline = side(data.baseline, 'baseline');
  const traffic = { canary: 0, baseline: 0 };
  if ('events' in canary) {
    result.points.canary = canary.points;
    result.samples.canary = canary.steps;
    result.missing.canary = canary.missing;
    traffic.canary = canary.exposure;
    if (canary.exposure > 0) result.canary = canary.events / canary.exposure;
  }
  if ('events' in baseline) {
    result.points.baseline = baseline.points;
    result.samples.baseline = baseline.steps;
    result.missing.baseline = baseline.missing;
    traffic.baseline = baseline.exposure;
    if (baseline.exposure > 0) result.baseline = baseline.events / baseline.exposure;
  }
  result.traffic = traffic;
  const count = (n: number) => formatCount(n, exact);
  const sideCounts = (s: typeof canary, what: string) =>
    'events' in s ? `${what} ${count(s.events)}/${count(s.exposure)}` : `${what}: no counts`;
  const counts = `${sideCounts(canary, 'canary')}, ${sideCounts(baseline, 'baseline')}`;
  // Inconclusive: also which steps had data, so that missing steps show.
  const stepsOf = (s: typeof canary, what: string) =>
    'events' in s
      ? `${what} ${count(s.events)}/${count(s.exposure)} over ${s.steps} of ${result.samples.expected} steps`
      : `${what}: no counts`;
  const anyCounts = 'events' in canary || 'events' in baseline;
  const measured = `${stepsOf(canary, 'canary')}; ${stepsOf(baseline, 'baseline')}${anyCounts ? fallback : ''}`;
  const trafficProblem = (exposure: number, what: string) =>
    exposure < minTraffic || exposure <= 0
      ? `too little ${what} traffic: ${count(exposure)} events in the denominator (minimum ${formatNumber(minTraffic)})`
      : undefined;
  const canaryProblem =
    dataProblem(canary, 'canary', settings, minSamples) ??
    ('events' in canary ? trafficProblem(canary.exposure, 'canary') : 'no canary data');
  if (canaryProblem || !('events' in canary))
    return { ...result, reason: `${canaryProblem ?? 'no canary data'} (${measured})` };
  const bound = result.canary === null ? undefined : boundProblem(metric, result.canary, 'rate');
  const baselineProblem =
    dataProblem(baseline, 'baseline', settings, minSamples) ??
    ('events' in baseline ? trafficProblem(baseline.exposure, 'baseline') : 'no baseline data');
  if (baselineProblem || !('events' in baseline)) {
    return bound
      ? { ...result, verdict: 'fail', reason: `${bound} (${counts})` }
      : { ...result, reason: `${baselineProblem ?? 'no baseline data'} (${measured})` };
  }
  const base = baseline.events / baseline.exposure;
  const test = rateRatioTest(
    {
      canary: { events: canary.events, exposure: canary.exposure },
      baseline: { events: baseline.events, exposure: baseline.exposure },
    },
    alternativeOf(metric.direction),
    settings.confidence,
  );
  const noEvents = Number.isNaN(test.estimate);
  const breach = noEvents
    ? undefined
    : compareInterval(metric.direction, result.allowed, test.low - 1, test.high - 1);
  const allowed = formatAllowed(metric.direction, result.allowed);
  const change = `${formatPercent(test.estimate - 1)} (CI ${formatPercent(test.low - 1)}…${formatPercent(test.high - 1)})`;
  let comparison = noEvents
    ? `no events on either side (${counts})`
    : breach
      ? `${change}, allowed ${allowed} (${counts})`
      : `${change}, within allowed ${allowed} (${counts})`;
  comparison += fallback;
  if (canary.numeratorEmpty && baseline.numeratorEmpty) {
    comparison += '; the numerator query returned no series on either side, check it';
  }
  const absolute = (ratio: number) => (Number.isFinite(ratio) ? (ratio - 1) * base : null);
  return {
    ...result,
    verdict: bound || breach ? 'fail' : 'pass',
    reason: bound ? (breach ? `${bound}; ${comparison}` : bound) : comparison,
    test: 'rate-ratio',
    baseline: base,
    delta: result.canary! - base,
    relative: noEvents ? null : test.estimate - 1,
    interval: {
      low: base > 0 ? absolute(test.low) : null,
      high: base > 0 ? absolute(test.high) : null,
      relativeLow: test.low - 1,
      relativeHigh: test.high - 1,
    },
    pValue: test.pValue,
  };
}

/**
 * A count as an integer: exact counts are integers already (up to float noise of the
 * differences); per-step sums of increase() are not, and are shown rounded with "≈".
 */
export function formatCount(n: number, exact: boolean): string {
  const rounded = Math.round(n);
  const text = rounded >= 1e7 ? formatNumber(rounded) : String(rounded);
  return exact || Math.abs(n - rounded) < 1e-6 ? text : `≈${text}`;
}
