import { parser } from '@prometheus-io/lezer-promql';
import { durationSeconds } from './promql.ts';
import type { Point, Window } from './types.ts';

/**
 * Per-step samples are only independent when the steps' evaluations read disjoint stretches
 * of raw data. `rate(x[1m])` evaluated every 15 s reads [t − 60 s, t]: four consecutive values
 * share three quarters of their samples, so they are strongly autocorrelated (lag-k
 * correlation ≈ 1 − k·step/range for a mean of iid samples). Mann-Whitney and the
 * Hodges-Lehmann interval assume independent observations; with positively correlated
 * ones the variance of U is larger than mn(N+1)/12 and the interval too narrow (healthy
 * canaries failed 8–11 % instead of 1 %). See Serfling (1968), "The Wilcoxon two-sample
 * statistic on strongly mixing processes", Ann. Math. Statist. 39(4): the variance gains
 * 2·Σₖ cov terms of the lagged ranks.
 *
 * The remedy used here is systematic thinning: with the query's dependence span s (its
 * longest range, plus a subquery's range) and step Δ, every k-th step is kept, k = ⌈s/Δ⌉,
 * so that kept evaluations read disjoint data (k·Δ ≥ s) and the test's nominal level holds
 * for any step ≥ the scrape interval. It costs nothing when step ≥ range (k = 1), and for
 * overlapping steps little is lost: k overlapping values carry about one value's information.
 * (A lag-window effective sample size, n/(1 + 2Σρₖ), was the alternative; estimated from
 * 30–120 values it is noisy in both directions, while the overlap is known from the query.)
 * Dependence the data has by itself (a slow drift, a smoothed gauge) is not corrected.
 */

/** The longest stretch of raw data one evaluation of `query` reads, in seconds; 0 without ranges. */
export function dependenceSpanSeconds(query: string): number | undefined {
  const tree = parser.parse(query);
  let unknown = false;
  const spanOf = (node: ReturnType<typeof tree.topNode.getChild>): number => {
    if (!node) return 0;
    let own = 0;
    if (node.name === 'MatrixSelector' || node.name === 'SubqueryExpr') {
      const range = node.getChild('DurationExpr');
      const seconds = range ? durationSeconds(query.slice(range.from, range.to)) : undefined;
      if (seconds === undefined) unknown = true;
      else own = seconds;
    }
    let inner = 0;
    for (let child = node.firstChild; child; child = child.nextSibling)
      inner = Math.max(inner, spanOf(child));
    // A subquery's range covers evaluations of its inner expression, each reading its own range.
    return node.name === 'SubqueryExpr' ? own + inner : Math.max(own, inner);
  };
  const span = spanOf(tree.topNode);
  return unknown ? undefined : span;
}

/** Keep one step in `every`: k = ⌈span / step⌉ when ranges overlap, else 1. */
export function thinningFactor(spanSeconds: number | undefined, stepSeconds: number): number {
  if (spanSeconds === undefined || !(spanSeconds > stepSeconds)) return 1;
  return Math.ceil(spanSeconds / stepSeconds - 1e-9);
}

/**
 * The points on every `every`-th step of the window's grid, counted back from its last step,
 * so that the latest data is always among them.
 */
export function thinPoints(points: readonly Point[], window: Window, every: number): Point[] {
  if (every <= 1) return [...points];
  const last = Math.floor((window.end - window.start) / window.stepSeconds + 1e-9);
  return points.filter(([t]) => {
    const index = Math.round((t - window.start) / window.stepSeconds);
    return (last - index) % every === 0;
  });
}

/** How many steps of the window's grid thinning keeps: the most samples a side can have. */
export function independentSteps(window: Window, every: number): number {
  const last = Math.floor((window.end - window.start) / window.stepSeconds + 1e-9);
  return Math.floor(last / every) + 1;
}
