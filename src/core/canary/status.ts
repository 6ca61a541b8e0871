import type { CommitStatus } from '../../ports/forge.ts';
import type { AnalysisResult } from './types.ts';

export const CANARY_STATUS_CONTEXT = 'gantry/canary';

/**
 * The commit status for an analysis: pass → success, fail → failure, inconclusive → error
 * (a gate that must not turn green without data). GitHub cuts descriptions at 140 characters.
 */
export function canaryStatus(result: AnalysisResult, targetUrl?: string): CommitStatus {
  const state = result.verdict === 'pass' ? 'success' : result.verdict === 'fail' ? 'failure' : 'error';
  const text = `${result.verdict}: ${result.summary}`;
  return {
    context: CANARY_STATUS_CONTEXT,
    state,
    description: text.length > 140 ? `${text.slice(0, 139)}…` : text,
    ...(targetUrl ? { targetUrl } : {}),
  };
}
