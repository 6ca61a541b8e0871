import { computeTags } from '../core/build/tags.ts';
import { RefusedError } from '../core/errors.ts';
import { firstEnvironment } from '../core/promote/release.ts';
import type { RepoPath } from '../ports/forge.ts';
import { pullRequestsOf } from './apply-promotion.ts';
import { type BotDeps, ignored, type Outcome } from './deps.ts';
import { loadForgeConfig } from './forge-config.ts';
import { promoteAndFollow } from './on-merged.ts';

export interface ReleaseEvent {
  /** The app repository the tag was pushed to. */
  repo: RepoPath;
  tag: string;
  sha: string;
  /** What triggered it: the tag push itself, or the tag's successful CI run. */
  trigger: 'tag' | 'pipeline';
  /** The image digest the build reported, when the event carries it. */
  digest?: string;
}

/**
 * The image tag the build pushed for a git tag: the primary (most specific) tag of the build's
 * own scheme — `v1.2.3` → `1.2.3`, `v2.0.0+build.5` → `2.0.0_build.5`, `Nightly` → `nightly`.
 */
export function imageTagOf(gitTag: string, sha: string): string {
  return computeTags({ kind: 'tag', tag: gitTag, sha }).tags[0]!;
}

/** Why a release of `app` into `gitops` from `from` is refused, or undefined when `source` is `from`. */
export function releaseRefusal(
  source: RepoPath | undefined,
  gitops: RepoPath,
  app: string,
  from: RepoPath,
): string | undefined {
  if (source === undefined) {
    return `release of ${app} from ${from} refused: ${gitops} sets no apps.${app}.source, so no repository may release it`;
  }
  // Both forges treat repository paths case-insensitively.
  if (source.toLowerCase() !== from.toLowerCase()) {
    return `release of ${app} from ${from} refused: apps.${app}.source in ${gitops} is ${source}`;
  }
  return undefined;
}

/**
 * A tag in an app repository (or its successful pipeline, with `deploy.trigger: pipeline`):
 * open or update the release PR into the first environment of the app's GitOps repository.
 */
export async function onRelease(deps: BotDeps, event: ReleaseEvent): Promise<Outcome> {
  const config = await loadForgeConfig(deps.forge, event.repo, event.sha);
  const deploy = config?.deploy;
  if (!deploy) return ignored(`${event.repo} has no deploy: section`);
  if (deploy.trigger !== event.trigger)
    return ignored(`deploy.trigger is ${deploy.trigger}; this was a ${event.trigger} event`);
  const gitops = await deps.forgeFor(deploy.repo);
  const base = await gitops.defaultBranch(deploy.repo);
  const gitopsConfig = await loadForgeConfig(gitops, deploy.repo, base);
  if (!gitopsConfig) return ignored(`${deploy.repo} has no .gantry.yml`);
  const refusal = releaseRefusal(
    gitopsConfig.apps?.[deploy.app]?.source,
    deploy.repo,
    deploy.app,
    event.repo,
  );
  if (refusal) {
    // Any repository the bot can read may name any GitOps repository in its own `deploy:`;
    // only the GitOps repository's `apps.<app>.source` says who may release the app.
    deps.log.warn({ repo: event.repo, tag: event.tag, gitops: deploy.repo, app: deploy.app }, refusal);
    deps.record?.('release-refused', deps.forge.kind);
    return { action: 'refused', detail: refusal };
  }
  const version = {
    tag: imageTagOf(event.tag, event.sha),
    ...(event.digest ? { digest: event.digest } : {}),
  };
  let released: Awaited<ReturnType<typeof promoteAndFollow>>;
  try {
    released = await promoteAndFollow({ ...deps, forge: gitops }, deploy.repo, base, gitopsConfig, {
      kind: 'release',
      request: {
        app: deploy.app,
        version,
        source: `${event.repo}@${event.tag}`,
        to: firstEnvironment(gitopsConfig),
      },
    });
  } catch (error) {
    // A late or older tag is not a failure to retry: it is refused, and says why.
    if (error instanceof RefusedError) return { action: 'refused', detail: error.message };
    throw error;
  }
  const { plan, outcomes, followed } = released;
  if (plan.empty) return { action: 'unchanged', detail: plan.summary };
  const details = outcomes.flatMap((o) => (o.detail ? [o.detail] : []));
  return {
    action: outcomes.map((o) => o.action).join(','),
    ...(details.length ? { detail: details.join('; ') } : {}),
    pullRequests: [...pullRequestsOf(outcomes), ...followed],
  };
}
