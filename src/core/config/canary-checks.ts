import { rawCounterQuery } from '../canary/counter-count.ts';
import { formatDuration } from '../canary/format.ts';
import { dependenceSpanSeconds, independentSteps, thinningFactor } from '../canary/independence.ts';
import { durationSeconds, sampleQuery } from '../canary/promql.ts';
import type { GantryConfig } from './schema.ts';

/** A problem found after the schema passed (same shape as checks.ts'). */
export interface CanaryIssue {
  path: (string | number)[];
  message: string;
}

/** Each window/step an analysis can run with: the canary section's, and each environment's. */
function timings(config: GantryConfig) {
  const canary = config.canary!;
  const all = [
    { path: ['canary'] as (string | number)[], window: canary.window, step: canary.step, where: '' },
  ];
  (config.environments ?? []).forEach((env, i) => {
    if (typeof env.canary !== 'object') return;
    if (env.canary.window === undefined && env.canary.step === undefined) return;
    all.push({
      path: ['environments', i, 'canary'],
      window: env.canary.window ?? canary.window,
      step: env.canary.step ?? canary.step,
      where: ` in ${env.name}`,
    });
  });
  return all.flatMap((t) => {
    const windowSeconds = durationSeconds(t.window);
    const stepSeconds = durationSeconds(t.step);
    return windowSeconds && stepSeconds ? [{ ...t, windowSeconds, stepSeconds }] : [];
  });
}

/** Errors: a step longer than its window can never be analysed. */
export function canaryTimingErrors(config: GantryConfig): CanaryIssue[] {
  if (!config.canary) return [];
  return timings(config)
    .filter((t) => t.stepSeconds > t.windowSeconds)
    .map((t) => ({
      path: [...t.path, 'step'],
      message: `step ${t.step} is longer than the window ${t.window}${t.where}; a window holds at least one step`,
    }));
}

/**
 * Warnings: configurations that are valid but cannot do what they seem to. For each metric
 * and each window/step it runs with,
 *   - a query whose ranges are longer than the step: consecutive steps are dependent, and the
 *     test uses one step in ⌈range/step⌉ (independence.ts) — the step buys nothing;
 *   - a window too short to reach minSamples (after that thinning): always inconclusive;
 *   - a ratio whose parts are not a counter's increase or rate: counts are approximate.
 */
export function canaryWarnings(config: GantryConfig): CanaryIssue[] {
  const canary = config.canary;
  if (!canary) return [];
  const issues: CanaryIssue[] = [];
  const runs = timings(config).filter((t) => t.stepSeconds <= t.windowSeconds);
  canary.metrics.forEach((metric, i) => {
    const path = ['canary', 'metrics', i];
    const minSamples = metric.minSamples ?? canary.minSamples;
    const templates = metric.ratio
      ? [metric.ratio.numerator, metric.ratio.denominator]
      : [metric.query ?? ''];
    const queries = templates.map(sampleQuery);
    if (queries.some((q) => q === undefined)) return; // checks.ts reports the query itself
    if (metric.ratio && queries.some((q) => rawCounterQuery(q!, 60) === undefined)) {
      issues.push({
        path: [...path, 'ratio'],
        message:
          "numerator or denominator is not a counter's increase or rate (sum(increase(x{SELECTOR}[1m]))): its counts are per-step sums, approximate, and the rate-ratio test may fail too often",
      });
    }
    for (const run of runs) {
      const window = { start: 0, end: run.windowSeconds, stepSeconds: run.stepSeconds };
      const span = metric.ratio ? 0 : dependenceSpanSeconds(queries[0]!);
      const every = thinningFactor(span, run.stepSeconds);
      const possible = independentSteps(window, every);
      if (every > 1) {
        issues.push({
          path: [...path, 'query'],
          message: `ranges of ${formatDuration(span!)} are longer than the step ${run.step}${run.where}: consecutive steps are dependent, so the test uses one step in ${every} (at most ${possible} samples); a step as long as the range loses nothing`,
        });
      }
      if (possible < minSamples) {
        issues.push({
          path: [...path, metric.minSamples ? 'minSamples' : 'name'],
          message: `window ${run.window} at step ${run.step}${run.where} gives at most ${possible} ${every > 1 ? 'independent ' : ''}samples, fewer than minSamples (${minSamples}): this metric is always inconclusive`,
        });
      }
    }
  });
  return issues;
}
