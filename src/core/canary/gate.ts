import type { PromotionMetadata } from '../promote/pr-body.ts';

/**
 * What `/gantry canary` on a promotion PR analyses, and so whose rules authorise it: on a
 * merged PR, the environment it deployed into (its targets); on an open one, the environment
 * its versions come from — the canary that gates it. Nothing runs in an open PR's destination
 * yet: analysing prod on an open staging → prod PR would judge the old version.
 */
export function gatingCanary(
  metadata: Pick<PromotionMetadata, 'environment' | 'source' | 'targets'>,
  state: 'open' | 'closed' | 'merged',
): { environment: string; targets?: string[] } {
  if (state === 'merged')
    return { environment: metadata.environment, targets: metadata.targets.map((t) => t.target) };
  return { environment: metadata.source };
}
