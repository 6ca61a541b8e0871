import type { MetricConfig } from '../config/schema.ts';
import { formatDuration, formatNumber, formatPercent, formatSigned } from './format.ts';
import { hodgesLehmann } from './hodges-lehmann.ts';
import { independentSteps, thinPoints } from './independence.ts';
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
  data: {
    canary: QueryOutcome;
    baseline: QueryOutcome;
    /** Overlapping ranges: test one step in `every` (independence.ts); default 1. */
    independence?: { every: number; spanSeconds: number };
  },
  settings: JudgeSettings,
  context: MetricContext,
): MetricResult {
  const result = emptyResult(metric, settings, context);
  const minSamples = metric.minSamples ?? settings.minSamples;
  const every = data.independence?.every ?? 1;
  const canary = sideSamples(data.canary, settings.window, 'canary');
  const baseline = sideSamples(data.baseline, settings.window, 'baseline');
  // The chart shows every step; the test sees the independent ones.
  const tested = (side: typeof canary) =>
    side.kind === 'ok' ? { ...side, points: thinPoints(side.points, settings.window, every) } : side;
  const x = tested(canary);
  const yTested = tested(baseline);
  if (canary.kind === 'ok' && x.kind === 'ok') {
    result.points.canary = canary.points;
    result.samples.canary = canary.points.length;
    result.missing.canary = canary.missing;
    result.canary = median(x.points.map(([, v]) => v));
  }
  if (baseline.kind === 'ok' && yTested.kind === 'ok') {
    result.points.baseline = baseline.points;
    result.samples.baseline = baseline.points.length;
    result.missing.baseline = baseline.missing;
    result.baseline = median(yTested.points.map(([, v]) => v));
  }
  if (every > 1) {
    result.independence = {
      every,
      spanSeconds: data.independence!.spanSeconds,
      used: {
        canary: x.kind === 'ok' ? x.points.length : 0,
        baseline: yTested.kind === 'ok' ? yTested.points.length : 0,
      },
      possible: independentSteps(settings.window, every),
    };
  }
  const problem = (side: typeof x, what: 'canary' | 'baseline') => {
    const found = dataProblem(side, what, settings, minSamples);
    return found && every > 1 && found.startsWith('too few')
      ? `${found}; one step in ${every} is independent (ranges of ${formatDuration(data.independence!.spanSeconds)} overlap at step ${formatDuration(settings.window.stepSeconds)})`
      : found;
  };
  const measured = () => measuredText(result);
  const canaryProblem = problem(x, 'canary');
  if (canaryProblem || x.kind !== 'ok')
    return { ...result, reason: `${canaryProblem ?? 'no canary data'}${measured()}` };
  const xs = x.points.map(([, v]) => v);
  const bound = boundProblem(metric, result.canary!, 'median');
  const baselineProblem = problem(yTested, 'baseline');
  if (baselineProblem || yTested.kind !== 'ok') {
    return bound
      ? { ...result, verdict: 'fail', reason: bound }
      : { ...result, reason: `${baselineProblem ?? 'no baseline data'}${measured()}` };
  }
  const y = yTested.points.map(([, v]) => v);
  const base = result.baseline!;
  const test = mannWhitney(xs, y, alternativeOf(metric.direction));
  const shift = hodgesLehmann(xs, y, settings.confidence);
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

/**
 * What was measured, for an inconclusive reason: " (canary median 0.21 over 8 of 31 steps;
 * baseline: none)", so that a reader sees the numbers the verdict could not rest on.
 */
function measuredText(result: MetricResult): string {
  const side = (what: 'canary' | 'baseline') => {
    const value = result[what];
    const used = result.independence?.used[what];
    if (value === null) return `${what}: no values`;
    const steps = `${result.samples[what]} of ${result.samples.expected} steps`;
    return used === undefined
      ? `${what} median ${formatNumber(value)} over ${steps}`
      : `${what} median ${formatNumber(value)} over ${used} independent steps (${steps} have values)`;
  };
  return ` (${side('canary')}; ${side('baseline')})`;
}
