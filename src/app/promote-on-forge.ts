import type { GantryConfig } from '../core/config/schema.ts';
import {
  type PromotionPlan,
  type PromotionRequest,
  planPromotion,
  promotionFiles,
} from '../core/promote/plan.ts';
import { planRelease, type ReleaseRequest, releaseFiles } from '../core/promote/release.ts';
import type { Forge, RepoPath } from '../ports/forge.ts';
import { applyPromotion, type PromotionOutcome, retryOnConflict } from './apply-promotion.ts';
import type { BotDeps } from './deps.ts';
import { loadForgeConfig } from './forge-config.ts';

export type ForgeRequest =
  | { kind: 'promote'; request: PromotionRequest }
  | { kind: 'release'; request: ReleaseRequest };

export interface ForgePromotion {
  plan: PromotionPlan;
  outcomes: PromotionOutcome[];
}

/**
 * Plans a promotion or release against the GitOps repository's default branch and puts it on
 * the forge: per app one branch, one commit, one PR. Re-reads and re-plans when a concurrent
 * writer won a compare-and-swap (bounded). Calls: config 1, files 1, then per app find PR 1,
 * and when something changed: branch head 1, commit (GitHub 3, GitLab 1), PR 1.
 */
export async function promoteOnForge(
  deps: Pick<BotDeps, 'lock' | 'record'>,
  forge: Forge,
  repo: RepoPath,
  base: string,
  what: ForgeRequest,
  given?: GantryConfig,
): Promise<ForgePromotion> {
  return deps.lock.run(repo, () =>
    retryOnConflict(async () => {
      const config = given ?? (await loadForgeConfig(forge, repo, base));
      if (!config) throw new Error(`${repo} has no .gantry.yml on ${base}`);
      const paths =
        what.kind === 'promote' ? promotionFiles(config, what.request) : releaseFiles(config, what.request);
      const snapshot = await forge.readFiles(repo, paths, base);
      const inputs = {
        files: snapshot.files,
        compareUrl: (r: string, a: string, b: string) => forge.compareUrl(r, a, b),
      };
      const plan =
        what.kind === 'promote'
          ? planPromotion(config, what.request, inputs)
          : planRelease(config, what.request, inputs);
      const outcomes: PromotionOutcome[] = [];
      for (const promotion of plan.apps) {
        const outcome = await applyPromotion(forge, repo, { branch: base, sha: snapshot.sha }, promotion);
        deps.record?.('promotion', outcome.action);
        outcomes.push(outcome);
      }
      return { plan, outcomes };
    }),
  );
}
