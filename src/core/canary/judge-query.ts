import type { MetricConfig } from '../config/schema.ts';
import { formatPercent, formatSigned } from './format.ts';
import { hodgesLehmann } from './hodges-lehmann.ts';
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
import { mannWhitney } from './mann-whitney.ts';
import { median, sideSamples } from './samples.ts';
import type { MetricResult, QueryOutcome } from './types.ts';

/**
 * A `query` metric: per-step values of canary and baseline over the window.
 *   1. Each side needs data: a successful query, at most maxMissing of the steps without a
 *      finite value, and at least minSamples values — otherwise inconclusive.
 *   2. Absolute bounds apply to the canary's median (robust to one spike): outside min/max → fail.
 *   3. Baseline comparison: Mann-Whitney U (p-value) and the Hodges-Lehmann shift with its
 *      two-sided interval at `confidence`. Relative numbers divide by |baseline median|. The
 *      metric fails when the whole interval lies beyond the tolerance in a bad direction:
 *      low > (allowedIncrease − 1)·|baseline median| for an increase, high < −(1 −
 *      allowedDecrease)·|baseline median| for a decrease. Without a tolerance any change the
 *      interval excludes zero for is a failure.
 * A bound failure stands even when the baseline is missing; otherwise no baseline → inconclusive.
 */
export function judgeQueryMetric(
  metric: MetricConfig,
  data: { canary: QueryOutcome; baseline: QueryOutcome },
  settings: JudgeSettings,
  context: MetricContext,
): MetricResult {
  const result = emptyResult(metric, settings, context);
  const minSamples = metric.minSamples ?? settings.minSamples;
  const canary = sideSamples(data.canary, settings.window, 'canary');
  const baseline = sideSamples(data.baseline, settings.window, 'baseline');
  if (canary.kind === 'ok') {
    result.points.canary = canary.points;
    result.samples.canary = canary.points.length;
    result.missing.canary = canary.missing;
  }
  if (baseline.kind === 'ok') {
    result.points.baseline = baseline.points;
    result.samples.baseline = baseline.points.length;
    result.missing.baseline = baseline.missing;
  }
  const canaryProblem = dataProblem(canary, 'canary', settings, minSamples);
  if (canaryProblem || canary.kind !== 'ok') return { ...result, reason: canaryProblem ?? 'no canary data' };
  const x = canary.points.map(([, v]) => v);
  result.canary = median(x);
  const bound = boundProblem(metric, result.canary, 'median');
  const baselineProblem = dataProblem(baseline, 'baseline', settings, minSamples);
  if (baselineProblem || baseline.kind !== 'ok') {
    return bound
      ? { ...result, verdict: 'fail', reason: bound }
      : { ...result, reason: baselineProblem ?? 'no baseline data' };
  }
  const y = baseline.points.map(([, v]) => v);
  const base = median(y);
  const test = mannWhitney(x, y, alternativeOf(metric.direction));
  const shift = hodgesLehmann(x, y, settings.confidence);
  const scale = Math.abs(base);
  const relative = (v: number) => (scale > 0 ? v / scale : null);
  const breach = compareInterval(
    metric.direction,
    { increase: result.allowed.increase * scale, decrease: result.allowed.decrease * scale },
    shift.low,
    shift.high,
  );
  const change =
    scale > 0
      ? `${formatPercent(shift.estimate / scale)} (CI ${formatPercent(shift.low / scale)}…${formatPercent(shift.high / scale)})`
      : `${formatSigned(shift.estimate)} (CI ${formatSigned(shift.low)}…${formatSigned(shift.high)}) from a baseline median of 0`;
  const allowed = formatAllowed(metric.direction, result.allowed);
  const comparison = breach ? `${change}, allowed ${allowed}` : `${change}, within allowed ${allowed}`;
  return {
    ...result,
    verdict: bound || breach ? 'fail' : 'pass',
    reason: bound ? (breach ? `${bound}; ${comparison}` : bound) : comparison,
    test: 'mann-whitney',
    baseline: base,
    delta: shift.estimate,
    relative: relative(shift.estimate),
    interval: {
      low: shift.low,
      high: shift.high,
      relativeLow: relative(shift.low),
      relativeHigh: relative(shift.high),
    },
    pValue: test.pValue,
  };
}
