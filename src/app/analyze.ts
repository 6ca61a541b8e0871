import type { JudgeSettings } from '../core/canary/judge.ts';
import { judgeQueryMetric } from '../core/canary/judge-query.ts';
import { judgeRatioMetric } from '../core/canary/judge-ratio.ts';
import { durationSeconds, resolveQuery, uniformRangeSeconds } from '../core/canary/promql.ts';
import type { AnalysisResult, MetricResult, QueryOutcome } from '../core/canary/types.ts';
import { overallVerdict } from '../core/canary/verdict.ts';
import type { GantryConfig, MetricConfig } from '../core/config/index.ts';
import { MetricsError, ValidationError } from '../core/errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Metrics, TimeRange } from '../ports/metrics.ts';
import { resolveTarget } from './analyze-target.ts';
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
}

/** One query to run: which metric, which side, and which part of it. */
interface Job {
  metric: number;
  side: 'canary' | 'baseline';
  part: 'query' | 'numerator' | 'denominator';
  query: string;
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
  const jobs: Job[] = canary.metrics.flatMap((metric, index) =>
    (['canary', 'baseline'] as const).flatMap((side) =>
      partsOf(metric).map(([part, template]) => ({
        metric: index,
        side,
        part,
        query: resolveOrExplain(template, selectors[side], metric.name, part),
      })),
    ),
  );
  const outcomes = await mapLimit(jobs, request.concurrency ?? canary.parallelQueries, async (job) =>
    run(request.metrics, { ...range, query: job.query }),
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
    const fetched = (side: Job['side'], part: Job['part']) => {
      const at = jobs.findIndex((j) => j.metric === index && j.side === side && j.part === part);
      return { query: jobs[at]!.query, outcome: outcomes[at]! };
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

type Fetched = (side: Job['side'], part: Job['part']) => { query: string; outcome: QueryOutcome };

function judgeMetric(
  metric: MetricConfig,
  fetched: Fetched,
  settings: JudgeSettings,
  range: TimeRange,
  metrics: Metrics,
): MetricResult {
  if (!metric.ratio) {
    const c = fetched('canary', 'query');
    const b = fetched('baseline', 'query');
    const context = {
      queries: { canary: [c.query], baseline: [b.query] },
      graphUrl: metrics.graphUrl([c.query, b.query], range),
    };
    return judgeQueryMetric(metric, { canary: c.outcome, baseline: b.outcome }, settings, context);
  }
  const side = (s: Job['side']) => ({
    numerator: fetched(s, 'numerator'),
    denominator: fetched(s, 'denominator'),
  });
  const c = side('canary');
  const b = side('baseline');
  // The graph shows the per-step ratio of each side.
  const ratioQuery = (s: typeof c) => `(${s.numerator.query}) / (${s.denominator.query})`;
  const context = {
    queries: {
      canary: [c.numerator.query, c.denominator.query],
      baseline: [b.numerator.query, b.denominator.query],
    },
    graphUrl: metrics.graphUrl([ratioQuery(c), ratioQuery(b)], range),
  };
  // increase(x[2m]) every 1m counts each event twice: scale the sums back by step / range.
  const ranges = [c.numerator.query, c.denominator.query]
    .map(uniformRangeSeconds)
    .filter((r) => r !== undefined);
  const data = {
    canary: { numerator: c.numerator.outcome, denominator: c.denominator.outcome },
    baseline: { numerator: b.numerator.outcome, denominator: b.denominator.outcome },
    scale: range.stepSeconds / Math.max(range.stepSeconds, ...ranges),
  };
  return judgeRatioMetric(metric, data, settings, context);
}

function partsOf(metric: MetricConfig): [Job['part'], string][] {
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
async function run(metrics: Metrics, query: Parameters<Metrics['queryRange']>[0]): Promise<QueryOutcome> {
  try {
    return { series: await metrics.queryRange(query) };
  } catch (error) {
    if (error instanceof MetricsError) return { error: error.message };
    throw error;
  }
}
