import type { MetricResult, Verdict } from './types.ts';

export interface Overall {
  verdict: Verdict;
  /** A critical metric failed: a watch can stop now instead of waiting for the window's end. */
  criticalFailure: boolean;
  /** One line: "fail: 1 of 3 metrics failed: p99-latency (critical)". */
  summary: string;
}

/**
 * Any failed metric fails the analysis; otherwise any metric without a verdict (no data, too
 * few samples, too much missing data, query error) makes it inconclusive; only when every
 * metric passed does it pass. No metric at all is inconclusive: no data is never a pass.
 */
export function overallVerdict(metrics: readonly MetricResult[]): Overall {
  const failed = metrics.filter((m) => m.verdict === 'fail');
  const unknown = metrics.filter((m) => m.verdict === 'inconclusive');
  const criticalFailure = failed.some((m) => m.critical);
  const label = (m: MetricResult) => (m.critical ? `${m.name} (critical)` : m.name);
  const of = `of ${metrics.length} metric${metrics.length === 1 ? '' : 's'}`;
  if (failed.length > 0) {
    return {
      verdict: 'fail',
      criticalFailure,
      summary: `${failed.length} ${of} failed: ${failed.map(label).join(', ')}`,
    };
  }
  if (metrics.length === 0)
    return { verdict: 'inconclusive', criticalFailure, summary: 'no metrics to analyse' };
  if (unknown.length > 0) {
    return {
      verdict: 'inconclusive',
      criticalFailure,
      summary: `${unknown.length} ${of} could not be judged: ${unknown.map((m) => `${m.name} (${m.reason})`).join('; ')}`,
    };
  }
  return { verdict: 'pass', criticalFailure, summary: `all ${of.slice(3)} passed` };
}
