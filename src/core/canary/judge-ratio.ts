import type { MetricConfig } from '../config/schema.ts';
import { formatNumber, formatPercent } from './format.ts';
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
  data: { canary: Side; baseline: Side; scale: number },
  settings: JudgeSettings,
  context: MetricContext,
): MetricResult {
  const result = emptyResult(metric, settings, context);
  const minSamples = metric.minSamples ?? settings.minSamples;
  const minTraffic = metric.ratio?.minTraffic ?? 100;
  const side = (s: Side, what: string) =>
    countSamples(s.numerator, s.denominator, settings.window, what, data.scale);
  const canary = side(data.canary, 'canary');
  const baseline = side(data.baseline, 'baseline');
  const traffic = { canary: 0, baseline: 0 };
  if ('events' in canary) {
    result.points.canary = canary.points;
    result.samples.canary = canary.steps;
    result.missing.canary = canary.missing;
    traffic.canary = canary.exposure;
  }
  if ('events' in baseline) {
    result.points.baseline = baseline.points;
    result.samples.baseline = baseline.steps;
    result.missing.baseline = baseline.missing;
    traffic.baseline = baseline.exposure;
  }
  result.traffic = traffic;
  const trafficProblem = (exposure: number, what: string) =>
    exposure < minTraffic || exposure <= 0
      ? `too little ${what} traffic: ${formatNumber(exposure)} events in the denominator (minimum ${formatNumber(minTraffic)})`
      : undefined;
  const canaryProblem =
    dataProblem(canary, 'canary', settings, minSamples) ??
    ('events' in canary ? trafficProblem(canary.exposure, 'canary') : 'no canary data');
  if (canaryProblem || !('events' in canary)) return { ...result, reason: canaryProblem ?? 'no canary data' };
  result.canary = canary.events / canary.exposure;
  const bound = boundProblem(metric, result.canary, 'rate');
  const baselineProblem =
    dataProblem(baseline, 'baseline', settings, minSamples) ??
    ('events' in baseline ? trafficProblem(baseline.exposure, 'baseline') : 'no baseline data');
  if (baselineProblem || !('events' in baseline)) {
    return bound
      ? { ...result, verdict: 'fail', reason: bound }
      : { ...result, reason: baselineProblem ?? 'no baseline data' };
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
  const counts = `canary ${formatNumber(Math.round(canary.events))}/${formatNumber(canary.exposure)}, baseline ${formatNumber(Math.round(baseline.events))}/${formatNumber(baseline.exposure)}`;
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
    delta: result.canary - base,
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
