import { rawCounterQuery } from '../core/canary/counter-count.ts';
import type { JudgeSettings } from '../core/canary/judge.ts';
import { durationSeconds, resolveQuery } from '../core/canary/promql.ts';
import type { AnalysisResult, QueryOutcome } from '../core/canary/types.ts';
import { overallVerdict } from '../core/canary/verdict.ts';
import type { GantryConfig, MetricConfig } from '../core/config/index.ts';
import { MetricsError, ValidationError } from '../core/errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Metrics, Series, TimeRange } from '../ports/metrics.ts';
import { judgeMetric, type Part, type Side } from './analyze-metric.ts';
import { resolveTarget } from './analyze-target.ts';
import { withDeadline } from './deadline.ts';
import { mapLimit } from './map-limit.ts';

export type { AnalysisResult } from '../core/canary/types.ts';

export interface AnalyzeRequest {
  metrics: Metrics;
  config: GantryConfig;
  app: string;
  /** An environment name or one of its targets (`prod/eu-west`). */
  environment: string;
  clock: Clock;
  /** End of the window; default: now. */
  end?: Date;
  /** Window length such as "30m", overriding the environment's and the canary section's. */
  window?: string;
  /** Queries in flight at once; default canary.parallelQueries. */
  concurrency?: number;
  /**
   * How long the whole analysis may wait for the backend, in ms; default the configured
   * `canary.prometheus.timeout` (30 s) plus a small margin, whatever the adapter's retries.
   */
  budgetMs?: number;
}

/** Added to the configured timeout: the time the analysis needs besides waiting. */
export const BUDGET_MARGIN_MS = 1000;

/** One query to run: which metric, which side, and which part of it. */
interface Job {
  metric: number;
  side: Side;
  part: Part;
  query: string;
  /** Raw counter samples: an instant query at the window's end (counter-count.ts). */
  raw?: boolean;
}

/**
 * One canary analysis: resolves every metric's queries for canary and baseline, runs them in
 * parallel (bounded), and judges each metric and the whole. Used by `gantry analyze`, and by
 * the bot for each step of a watch and for `/gantry canary`. A query that fails makes its
 * metric inconclusive with the reason; bad configuration throws ValidationError before any
 * query is sent.
 */
export async function analyze(request: AnalyzeRequest): Promise<AnalysisResult> {
  const canary = request.config.canary;
  if (!canary) throw new ValidationError('the configuration has no "canary:" section');
  const target = resolveTarget(request.config, request.app, request.environment);
  const range = analysisRange(
    request.window ?? target.canary.window ?? canary.window,
    target.canary.step ?? canary.step,
    request.end ?? request.clock.now(),
  );
  const selectors = {
    canary: expandSelector(canary.selectors.canary, request),
    baseline: expandSelector(canary.selectors.baseline, request),
  };
  const windowSeconds = (range.end.getTime() - range.start.getTime()) / 1000;
  const jobs: Job[] = canary.metrics.flatMap((metric, index) =>
    (['canary', 'baseline'] as const).flatMap((side) => {
      const resolved = partsOf(metric).map(
        ([part, template]): Job => ({
          metric: index,
          side,
          part,
          query: resolveOrExplain(template, selectors[side], metric.name, part),
        }),
      );
      if (!metric.ratio) return resolved;
      // Exact counts when both parts are a counter's increase or rate (counter-count.ts).
      const raw = resolved.map((job) => rawCounterQuery(job.query, windowSeconds));
      if (raw.some((q) => q === undefined)) return resolved;
      return [
        ...resolved,
        { metric: index, side, part: 'numeratorCount', query: raw[0]!, raw: true },
        { metric: index, side, part: 'denominatorCount', query: raw[1]!, raw: true },
      ];
    }),
  );
  const budgetMs = request.budgetMs ?? configuredTimeoutMs(canary.prometheus) + BUDGET_MARGIN_MS;
  const late: QueryOutcome = {
    error: `no answer within the analysis' time budget of ${budgetMs / 1000}s (canary.prometheus.timeout plus ${BUDGET_MARGIN_MS / 1000}s)`,
  };
  const outcomes = await withDeadline(budgetMs, (signal, expired) =>
    mapLimit(jobs, request.concurrency ?? canary.parallelQueries, async (job) => {
      const answer = run(() =>
        job.raw
          ? request.metrics.queryInstant(job.query, range.end, { signal })
          : request.metrics.queryRange({ ...range, query: job.query, signal }),
      );
      // An adapter that gives up because it was aborted has not failed: the budget is spent.
      return expired(
        answer.catch((error: unknown) => (signal.aborted ? late : Promise.reject(error))),
        late,
      );
    }),
  );
  const settings: JudgeSettings = {
    window: {
      start: range.start.getTime() / 1000,
      end: range.end.getTime() / 1000,
      stepSeconds: range.stepSeconds,
    },
    confidence: canary.confidence,
    minSamples: canary.minSamples,
    maxMissing: canary.maxMissing,
  };
  const results = canary.metrics.map((metric, index) => {
    const fetched = (side: Side, part: Part) => {
      const at = jobs.findIndex((j) => j.metric === index && j.side === side && j.part === part);
      return at < 0 ? undefined : { query: jobs[at]!.query, outcome: outcomes[at]! };
    };
    return judgeMetric(metric, fetched, settings, range, request.metrics);
  });
  return {
    ...overallVerdict(results),
    app: request.app,
    environment: request.environment,
    window: {
      start: range.start.toISOString(),
      end: range.end.toISOString(),
      seconds: (range.end.getTime() - range.start.getTime()) / 1000,
      stepSeconds: range.stepSeconds,
    },
    confidence: canary.confidence,
    rollback: target.canary.rollback ?? canary.rollback,
    metrics: results,
  };
}

/** [end − window, end] at step, refused when Prometheus could not answer it. */
function analysisRange(windowText: string, stepText: string, end: Date): TimeRange {
  const windowSeconds = durationSeconds(windowText);
  const stepSeconds = durationSeconds(stepText);
  if (!windowSeconds || !/^[1-9][0-9]*[smhd]$/.test(windowText)) {
    throw new ValidationError(`window "${windowText}" is not a duration such as "30m"`);
  }
  if (!stepSeconds || stepSeconds > windowSeconds) {
    throw new ValidationError(
      `step "${stepText}" must be a duration no longer than the window (${windowText})`,
    );
  }
  if (windowSeconds / stepSeconds > 11_000) {
    throw new ValidationError(
      `window ${windowText} at step ${stepText} is more than 11,000 points, Prometheus' limit`,
    );
  }
  return { start: new Date(end.getTime() - windowSeconds * 1000), end, stepSeconds };
}

/** The selector with {app} and {env} filled in (escaping happens when it becomes PromQL). */
function expandSelector(selector: Record<string, string>, request: AnalyzeRequest): Record<string, string> {
  return Object.fromEntries(
    Object.entries(selector).map(([label, value]) => [
      label,
      value.replaceAll('{app}', request.app).replaceAll('{env}', request.environment),
    ]),
  );
}

function partsOf(metric: MetricConfig): [Part, string][] {
  if (metric.ratio) {
    return [
      ['numerator', metric.ratio.numerator],
      ['denominator', metric.ratio.denominator],
    ];
  }
  return [['query', metric.query ?? '']];
}

function resolveOrExplain(
  template: string,
  matchers: Record<string, string>,
  metric: string,
  part: string,
): string {
  try {
    return resolveQuery(template, matchers);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(`metric "${metric}" (${part}): ${error.message}`);
  }
}

/** A query's series, or the reason it has none: a metrics failure never aborts the analysis. */
async function run(query: () => Promise<Series[]>): Promise<QueryOutcome> {
  try {
    return { series: await query() };
  } catch (error) {
    if (error instanceof MetricsError) return { error: error.message };
    throw error;
  }
}

/** The configured Prometheus timeout in ms (30 s when none is set). */
function configuredTimeoutMs(prometheus: NonNullable<GantryConfig['canary']>['prometheus']): number {
  const text = typeof prometheus === 'object' ? prometheus.timeout : undefined;
  return (text ? (durationSeconds(text) ?? 30) : 30) * 1000;
}
