import type { MetricConfig } from '../config/schema.ts';
import { formatNumber, formatPercent, formatShare } from './format.ts';
import type { Alternative } from './mann-whitney.ts';
import { type CountSamples, expectedSteps, type SideSamples } from './samples.ts';
import type { Direction, MetricResult, QueryOutcome, Window } from './types.ts';

export interface JudgeSettings {
  window: Window;
  /** Confidence of the two-sided intervals, e.g. 0.98. */
  confidence: number;
  minSamples: number;
  /** Largest tolerated share of steps without a value, per side. */
  maxMissing: number;
}

/** The data fetched for one metric. */
export type MetricData =
  | { kind: 'query'; canary: QueryOutcome; baseline: QueryOutcome }
  | {
      kind: 'ratio';
      canary: { numerator: QueryOutcome; denominator: QueryOutcome };
      baseline: { numerator: QueryOutcome; denominator: QueryOutcome };
      /** step / range when the queries' range selectors overlap (range > step), else 1. */
      scale: number;
      /** Event counts from the counters' raw samples (counter-count.ts), when the queries allow. */
      exact?: { canary: ExactCounts; baseline: ExactCounts };
    };

/** One side's events and exposure counted from raw counter samples, or why they could not be. */
export type ExactCounts = { events: number; exposure: number } | { error: string };

export interface MetricContext {
  queries: { canary: string[]; baseline: string[] };
  graphUrl: string;
}

export function alternativeOf(direction: Direction): Alternative {
  return direction === 'increase' ? 'greater' : direction === 'decrease' ? 'less' : 'two-sided';
}

/** Tolerated relative change each way: allowedIncrease 1.1 → +0.1, allowedDecrease 0.9 → 0.1. */
export function allowedOf(metric: MetricConfig): { increase: number; decrease: number } {
  return { increase: (metric.allowedIncrease ?? 1) - 1, decrease: 1 - (metric.allowedDecrease ?? 1) };
}

/** A result with no numbers yet, to be filled by a judge. */
export function emptyResult(
  metric: MetricConfig,
  settings: JudgeSettings,
  context: MetricContext,
): MetricResult {
  return {
    name: metric.name,
    kind: metric.ratio ? 'ratio' : 'query',
    critical: metric.critical,
    direction: metric.direction,
    verdict: 'inconclusive',
    reason: '',
    test: null,
    baseline: null,
    canary: null,
    delta: null,
    relative: null,
    interval: null,
    pValue: null,
    allowed: allowedOf(metric),
    samples: { canary: 0, baseline: 0, expected: expectedSteps(settings.window) },
    missing: { canary: 1, baseline: 1 },
    traffic: null,
    queries: context.queries,
    graphUrl: context.graphUrl,
    points: { canary: [], baseline: [] },
  };
}

/**
 * Why one side's data cannot support a verdict, or undefined when it can: the query failed,
 * returned nothing, misses too many steps, or has too few samples.
 */
export function dataProblem(
  side: SideSamples | CountSamples | { kind: 'error'; reason: string } | { kind: 'empty' },
  what: 'canary' | 'baseline',
  settings: JudgeSettings,
  minSamples: number,
): string | undefined {
  if ('kind' in side && side.kind === 'error') return side.reason;
  if ('kind' in side && side.kind === 'empty')
    return `no ${what} data: the query returned no values in the window`;
  const present = 'steps' in side ? side.steps : side.kind === 'ok' ? side.points.length : 0;
  const missing = 'missing' in side ? side.missing : 1;
  if (missing > settings.maxMissing) {
    return `${what} data missing for ${formatShare(missing)} of the window (maximum ${formatShare(settings.maxMissing)})`;
  }
  if (present < minSamples) return `too few ${what} samples: ${present} (minimum ${minSamples})`;
  return undefined;
}

/** The absolute bound the canary value breaks, if any. */
export function boundProblem(metric: MetricConfig, value: number, what: string): string | undefined {
  if (metric.max !== undefined && value > metric.max) {
    return `canary ${what} ${formatNumber(value)} is above the maximum ${formatNumber(metric.max)}`;
  }
  if (metric.min !== undefined && value < metric.min) {
    return `canary ${what} ${formatNumber(value)} is below the minimum ${formatNumber(metric.min)}`;
  }
  return undefined;
}

/** "+10%", "-10%" or "-10%…+10%": the tolerance in the metric's bad direction(s). */
export function formatAllowed(direction: Direction, allowed: { increase: number; decrease: number }): string {
  const up = formatPercent(allowed.increase).replace(/^0\.0%$/, '+0%');
  const down = allowed.decrease === 0 ? '-0%' : formatPercent(-allowed.decrease);
  if (direction === 'increase') return up;
  if (direction === 'decrease') return down;
  return `${down}…${up}`;
}

/**
 * The verdict of a change with interval [low, high] (relative units), given the tolerance:
 * fail when the whole interval lies beyond what is allowed in a bad direction.
 */
export function compareInterval(
  direction: Direction,
  allowed: { increase: number; decrease: number },
  low: number,
  high: number,
): 'increase' | 'decrease' | undefined {
  if (direction !== 'decrease' && low > allowed.increase) return 'increase';
  if (direction !== 'increase' && high < -allowed.decrease) return 'decrease';
  return undefined;
}
