import type { GantryConfig } from '../core/config/schema.ts';
import { resolveDestination, viaOf } from '../core/promote/environments.ts';
import { splitKey } from '../core/promote/file-key.ts';
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
import {
  landPromotion,
  type PromotionOutcome,
  type ProposedOutcome,
  retryOnConflict,
  type Via,
} from './apply-promotion.ts';
import type { BotDeps } from './deps.ts';
import { readAcross } from './environment-repos.ts';
import { loadForgeConfig } from './forge-config.ts';
import { promotionHistory } from './promote.ts';
import { type ReadHistory, readAppHistories } from './version-history.ts';

export type ForgeRequest =
  | { kind: 'promote'; request: PromotionRequest }
  | { kind: 'release'; request: ReleaseRequest }
  | { kind: 'rollback'; request: RollbackToRequest };

export interface ForgePromotion<O = PromotionOutcome> {
  plan: PromotionPlan;
  outcomes: O[];
}

/**
 * Plans a promotion or release against the GitOps repository's default branch and puts it on
 * the forge: per app one branch, one commit, one PR (or, where the environment says `via:
 * commit`, one commit on the default branch; `via: auto-merge`, a PR the forge merges once
 * checks pass). An environment in its own repository is read there and its PR opened there
 * (after that repository opted in, see `requireOptIn`). Re-reads and re-plans when a
 * concurrent writer won a compare-and-swap (bounded). Calls: config 1, files 1 per repository,
 * then per app find PR 1, and when something changed: branch head 1, commit (GitHub 3,
 * GitLab 1), PR 1 (+ auto-merge: GitHub 2–3, GitLab 1).
 */
export async function promoteOnForge(
  deps: Pick<BotDeps, 'lock' | 'record'>,
  forge: Forge,
  repo: RepoPath,
  base: string,
  what: Extract<ForgeRequest, { kind: 'rollback' }>,
  given?: GantryConfig,
): Promise<ForgePromotion<ProposedOutcome>>;
export async function promoteOnForge(
  deps: Pick<BotDeps, 'lock' | 'record'>,
  forge: Forge,
  repo: RepoPath,
  base: string,
  what: ForgeRequest,
  given?: GantryConfig,
): Promise<ForgePromotion>;
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
      const request =
        what.kind === 'promote' ? { kind: what.kind, request: { ...what.request, home: repo } } : what;
      const snapshot = await readAcross(forge, repo, base, filesOf(config, request));
      // History of a file (a fileKey): in its own repository, at the commit its files were read at.
      const read = (key: string, limit: number) => {
        const { repo: own, path } = splitKey(key);
        const at = own ?? repo;
        return forge.fileHistory(at, path, snapshot.bases.get(at)?.sha ?? base, limit);
      };
      const inputs: PlanInputs = {
        files: snapshot.files,
        compareUrl: (r: string, a: string, b: string) => forge.compareUrl(r, a, b),
        ...(await historyOf(config, what, read)),
      };
      const plan = planOf(config, request, inputs);
      const via = viaFor(config, request, plan);
      const outcomes: PromotionOutcome[] = [];
      const keepNewer = what.kind !== 'rollback' && !(what.kind === 'promote' && what.request.allowDowngrade);
      for (const promotion of plan.apps) {
        const target = promotion.repo ?? repo;
        const at = snapshot.bases.get(target)!;
        const history = inputs.history?.get(promotion.app);
        const outcome = await landPromotion(forge, target, at, promotion, via, {
          ...(keepNewer ? { keepNewer: { ...(history ? { history } : {}) } } : {}),
        });
        deps.record?.('promotion', outcome.action);
        outcomes.push(outcome);
      }
      return { plan, outcomes };
    }),
  );
}

/** Rollbacks always go through a PR: a human looks at what is being undone. */
function viaFor(config: GantryConfig, what: ForgeRequest, plan: PromotionPlan): Via {
  if (what.kind === 'rollback') return 'pr';
  return viaOf(resolveDestination(config, plan.environment).env);
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
