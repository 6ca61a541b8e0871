import { counterEvents } from '../core/canary/counter-count.ts';
import { dependenceSpanSeconds, thinningFactor } from '../core/canary/independence.ts';
import type { ExactCounts, JudgeSettings } from '../core/canary/judge.ts';
import { judgeQueryMetric } from '../core/canary/judge-query.ts';
import { judgeRatioMetric } from '../core/canary/judge-ratio.ts';
import { uniformRangeSeconds } from '../core/canary/promql.ts';
import type { MetricResult, QueryOutcome } from '../core/canary/types.ts';
import type { MetricConfig } from '../core/config/index.ts';
import type { Metrics, TimeRange } from '../ports/metrics.ts';

export type Side = 'canary' | 'baseline';
/** A metric's queries: its query, or a ratio's parts and (for counters) their raw count queries. */
export type Part = 'query' | 'numerator' | 'denominator' | 'numeratorCount' | 'denominatorCount';

/** What one query of a metric returned, by side and part; undefined when it was not asked. */
export type Fetched = (side: Side, part: Part) => { query: string; outcome: QueryOutcome } | undefined;

/** One metric judged from its fetched queries: the query or ratio judge, with thinning and exact counts. */
export function judgeMetric(
  metric: MetricConfig,
  fetched: Fetched,
  settings: JudgeSettings,
  range: TimeRange,
  metrics: Metrics,
): MetricResult {
  if (!metric.ratio) {
    const c = fetched('canary', 'query')!;
    const b = fetched('baseline', 'query')!;
    const context = {
      queries: { canary: [c.query], baseline: [b.query] },
      graphUrl: metrics.graphUrl([c.query, b.query], range),
    };
    const spanSeconds = dependenceSpanSeconds(c.query);
    const every = thinningFactor(spanSeconds, range.stepSeconds);
    return judgeQueryMetric(
      metric,
      {
        canary: c.outcome,
        baseline: b.outcome,
        ...(every > 1 ? { independence: { every, spanSeconds: spanSeconds! } } : {}),
      },
      settings,
      context,
    );
  }
  const side = (s: Side) => ({
    numerator: fetched(s, 'numerator')!,
    denominator: fetched(s, 'denominator')!,
    counts: countsOf(fetched(s, 'numeratorCount'), fetched(s, 'denominatorCount'), settings.window),
  });
  const c = side('canary');
  const b = side('baseline');
  // The graph shows the per-step ratio of each side.
  const ratioQuery = (s: typeof c) => `(${s.numerator.query}) / (${s.denominator.query})`;
  const countQueries = (s: typeof c) => (s.counts ? [s.counts.numerator, s.counts.denominator] : []);
  const context = {
    queries: {
      canary: [c.numerator.query, c.denominator.query, ...countQueries(c)],
      baseline: [b.numerator.query, b.denominator.query, ...countQueries(b)],
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
    ...(c.counts && b.counts ? { exact: { canary: c.counts.outcome, baseline: b.counts.outcome } } : {}),
  };
  return judgeRatioMetric(metric, data, settings, context);
}

/** The counts of one side from its raw counter samples, or why there are none. */
function countsOf(
  numerator: { query: string; outcome: QueryOutcome } | undefined,
  denominator: { query: string; outcome: QueryOutcome } | undefined,
  window: JudgeSettings['window'],
): { numerator: string; denominator: string; outcome: ExactCounts } | undefined {
  if (!numerator || !denominator) return undefined;
  const failed = [numerator, denominator].find((p) => 'error' in p.outcome);
  const events = (p: { outcome: QueryOutcome }) =>
    'series' in p.outcome ? counterEvents(p.outcome.series, window.start, window.end) : 0;
  return {
    numerator: numerator.query,
    denominator: denominator.query,
    outcome:
      failed && 'error' in failed.outcome
        ? { error: `count query failed: ${failed.outcome.error}` }
        : { events: events(numerator), exposure: events(denominator) },
  };
}
