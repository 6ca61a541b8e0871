import type { GantryConfig } from '../core/config/schema.ts';
import { resolveDestination } from '../core/promote/environments.ts';
import {
  type PlanInputs,
  type PromotionPlan,
  type PromotionRequest,
  planPromotion,
  promotionFiles,
} from '../core/promote/plan.ts';
import { firstEnvironment, planRelease, type ReleaseRequest, releaseFiles } from '../core/promote/release.ts';
import { planRollbackTo, type RollbackToRequest, rollbackToFiles } from '../core/promote/rollback.ts';
import type { Forge, RepoPath } from '../ports/forge.ts';
import { applyPromotion, type PromotionOutcome, retryOnConflict } from './apply-promotion.ts';
import type { BotDeps } from './deps.ts';
import { loadForgeConfig } from './forge-config.ts';
import { promotionHistory } from './promote.ts';
import { type ReadHistory, readAppHistories } from './version-history.ts';

export type ForgeRequest =
  | { kind: 'promote'; request: PromotionRequest }
  | { kind: 'release'; request: ReleaseRequest }
  | { kind: 'rollback'; request: RollbackToRequest };

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
      const paths = filesOf(config, what);
      const snapshot = await forge.readFiles(repo, paths, base);
      const read = (path: string, limit: number) => forge.fileHistory(repo, path, snapshot.sha, limit);
      const inputs: PlanInputs = {
        files: snapshot.files,
        compareUrl: (r: string, a: string, b: string) => forge.compareUrl(r, a, b),
        ...(await historyOf(config, what, read)),
      };
      const plan = planOf(config, what, inputs);
      const outcomes: PromotionOutcome[] = [];
      const keepNewer = what.kind !== 'rollback' && !(what.kind === 'promote' && what.request.allowDowngrade);
      for (const promotion of plan.apps) {
        const history = inputs.history?.get(promotion.app);
        const outcome = await applyPromotion(forge, repo, { branch: base, sha: snapshot.sha }, promotion, {
          ...(keepNewer ? { keepNewer: { ...(history ? { history } : {}) } } : {}),
        });
        deps.record?.('promotion', outcome.action);
        outcomes.push(outcome);
      }
      return { plan, outcomes };
    }),
  );
}

/**
 * What orders the versions: for a promotion, the history of the environments up to the
 * destination (and the source's lineage); for a release, the first environment's. A rollback
 * reads its own. Calls: one fileHistory per location read, per app with a versioned artifact.
 */
async function historyOf(
  config: GantryConfig,
  what: ForgeRequest,
  read: ReadHistory,
): Promise<Pick<PlanInputs, 'history' | 'lineage'>> {
  switch (what.kind) {
    case 'promote':
      return promotionHistory(config, what.request, read);
    case 'release': {
      const to = resolveDestination(config, what.request.to ?? firstEnvironment(config)).env.name;
      return { history: (await readAppHistories(config, [what.request.app], [to], read)).history };
    }
    case 'rollback':
      return {};
  }
}

function filesOf(config: GantryConfig, what: ForgeRequest): string[] {
  switch (what.kind) {
    case 'promote':
      return promotionFiles(config, what.request);
    case 'release':
      return releaseFiles(config, what.request);
    case 'rollback':
      return rollbackToFiles(config, what.request);
  }
}

function planOf(config: GantryConfig, what: ForgeRequest, inputs: PlanInputs): PromotionPlan {
  switch (what.kind) {
    case 'promote':
      return planPromotion(config, what.request, inputs);
    case 'release':
      return planRelease(config, what.request, inputs);
    case 'rollback':
      return {
        environment: what.request.destination,
        source: `before #${what.request.of.number}`,
        unchanged: [],
        ...planRollbackTo(config, what.request, inputs),
      };
  }
}
