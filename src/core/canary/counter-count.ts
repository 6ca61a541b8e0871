import { parser } from '@prometheus-io/lezer-promql';
import type { Series } from '../../ports/metrics.ts';

/**
 * Exact event counts for ratio metrics.
 *
 * Summing `increase(x[1m])` per step does not count events: increase() extrapolates each
 * range to its edges (with 15 s scrapes, four samples span 45 s and are scaled by 60/45), and
 * consecutive ranges either overlap or leave the interval between them uncounted. The sum is
 * then a fraction whose variance is ~4/3 that of the count, and the exact rate-ratio test,
 * which assumes Poisson counts, false-fails above its level (2.3 % at 1 %).
 *
 * So where the numerator or denominator is a counter's increase or rate — optionally
 * summed: `sum [by|without (…)] (increase|rate (selector[range]))` or a bare counter selector
 * — gantry asks for the counter's raw samples over the window (an instant query of
 * `selector[window + lookback]` at the window's end) and counts the events itself, per
 * series, the way Prometheus' own counter logic does but without extrapolation:
 *   events = Σ over consecutive samples (vᵢ₋₁, vᵢ) in (start, end] of vᵢ − vᵢ₋₁, or vᵢ after a
 *            reset (vᵢ < vᵢ₋₁), starting from the last sample at or before `start`;
 * a series that first appears inside the window starts at its first sample (its value is not
 * counted, as in rate()). Integer counters give integer counts. Other queries keep the
 * per-step sums (scaled for overlapping ranges), and the report marks those counts as approximate.
 */

/** How far before the window a sample is looked for, to count from the window's start. */
export const LOOKBACK_SECONDS = 300;

/**
 * For a (resolved, valid) query of a counter's increase or rate, the raw-sample query over
 * `[start − lookback, end]` evaluated at `end`; undefined for any other shape.
 */
export function rawCounterQuery(query: string, windowSeconds: number): string | undefined {
  let node = parser.parse(query).topNode.firstChild;
  if (node?.name === 'AggregateExpr') {
    const op = node.getChild('AggregateOp');
    if (!op || query.slice(op.from, op.to) !== 'sum') return undefined;
    node = node.getChild('FunctionCallBody')?.firstChild ?? null;
    if (node?.nextSibling) return undefined;
  }
  if (node?.name === 'FunctionCall') {
    const name = node.getChild('FunctionIdentifier');
    const fn = name ? query.slice(name.from, name.to) : '';
    if (fn !== 'increase' && fn !== 'rate') return undefined;
    const body = node.getChild('FunctionCallBody');
    const matrix = body?.firstChild;
    if (matrix?.name !== 'MatrixSelector' || matrix.nextSibling) return undefined;
    node = matrix.getChild('VectorSelector');
  }
  if (node?.name !== 'VectorSelector') return undefined;
  return `${query.slice(node.from, node.to)}[${Math.round(windowSeconds) + LOOKBACK_SECONDS}s]`;
}

/** Events of the counters in `series` within (start, end], reset-aware, without extrapolation. */
export function counterEvents(series: readonly Series[], start: number, end: number): number {
  let events = 0;
  for (const { samples } of series) {
    let previous: number | undefined;
    for (const [t, v] of [...samples].sort((a, b) => a[0] - b[0])) {
      if (!Number.isFinite(v) || t > end) continue;
      if (t <= start) {
        previous = v;
        continue;
      }
      if (previous !== undefined) events += v >= previous ? v - previous : v;
      previous = v;
    }
  }
  return events;
}
