import type { GantryConfig } from '../core/config/schema.ts';
import type { ArtifactState } from '../core/promote/artifact-state.ts';
import type { AppPromotion } from '../core/promote/plan.ts';
import {
  arrivalOrder,
  chooseRollback,
  planRollback,
  ROLLBACK_DEPTH,
  type RollbackPoint,
  resolveRollback,
  rollbackStates,
} from '../core/promote/rollback.ts';
import { basePaths } from '../core/promote/updaters/index.ts';
import type { Forge, RepoPath } from '../ports/forge.ts';
import { applyPromotion, type ProposedOutcome, retryOnConflict } from './apply-promotion.ts';
import type { BotDeps } from './deps.ts';

export interface RollbackRequest {
  /** `prod` (every target) or `prod/eu-west`. */
  env: string;
  app: string;
  /** A version to go to; default: the one before the current one, from git history. */
  to?: string;
  /** Lines for the PR body (who asked, how). */
  notes?: string[];
}

export interface ForgeRollback {
  promotion?: AppPromotion;
  outcome?: ProposedOutcome;
  /** Per target: the commit or version it goes back to. */
  points: Map<string, RollbackPoint>;
}

/**
 * Plans one app's rollback from the history of its files on the forge and puts it on its own
 * branch (`gantry-rollback/<env>/<app>`) and PR, updated in place and idempotent like a
 * promotion. Calls per target: history 1 (GitHub 1 query, GitLab 2), files at the old commit 1;
 * then current files 1, and the PR as in `applyPromotion`.
 */
export async function rollbackOnForge(
  deps: Pick<BotDeps, 'lock' | 'record'>,
  forge: Forge,
  repo: RepoPath,
  base: string,
  request: RollbackRequest,
  config: GantryConfig,
): Promise<ForgeRollback> {
  return deps.lock.run(repo, () =>
    retryOnConflict(async () => {
      const { app, artifact, destination, pathAt } = resolveRollback(config, request.env, request.app);
      const notes = [...(request.notes ?? [])];
      const points = new Map<string, { point: RollbackPoint; states: (ArtifactState | undefined)[] }>();
      let arrival: string[] | undefined;
      for (const location of destination.locations) {
        const path = pathAt(location);
        const history = await forge.fileHistory(repo, path, base, ROLLBACK_DEPTH);
        arrival ??= arrivalOrder(artifact, path, history);
        const point = chooseRollback(artifact, path, history, request.to);
        const paths = app.artifacts.map((a) => pathAt(location, a));
        const old =
          point.kind === 'commit' ? (await forge.readFiles(repo, paths, point.sha)).files : new Map();
        points.set(location.name, {
          point,
          states: rollbackStates(app, (a) => pathAt(location, a), point, old, notes),
        });
      }
      const current = await forge.readFiles(
        repo,
        // Base files too: a layered values file may inherit the version it rolls back.
        destination.locations.flatMap((l) =>
          app.artifacts.flatMap((a) => [pathAt(l, a), ...basePaths(a, { env: l.name, app: request.app })]),
        ),
        base,
      );
      const promotion = planRollback(config, {
        app: request.app,
        destination: request.env,
        files: current.files,
        points,
        arrival: arrival ?? [],
        notes,
      });
      const chosen = new Map([...points].map(([name, p]) => [name, p.point]));
      if (!promotion) return { points: chosen };
      const outcome = await applyPromotion(forge, repo, { branch: base, sha: current.sha }, promotion);
      deps.record?.('promotion', `rollback-${outcome.action}`);
      return { promotion, outcome, points: chosen };
    }),
  );
}
