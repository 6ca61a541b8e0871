import type { EnvironmentConfig, GantryConfig } from '../core/config/schema.ts';
import { RefusedError, UsageError } from '../core/errors.ts';
import { describeFreeze, frozen } from '../core/freeze/frozen.ts';
import { FREEZE_FILE, type FreezeState, readFreezeState } from '../core/freeze/state.ts';
import { hiddenMarker, inline } from '../core/markdown.ts';
import { afterOf, environments } from '../core/promote/environments.ts';
import { parsePromotionBody } from '../core/promote/pr-body.ts';
import { ROLLBACK_PREFIX } from '../core/promote/rollback.ts';
import type { RepoPath } from '../ports/forge.ts';
import { describeOutcome, pullRequestsOf } from './apply-promotion.ts';
import { startWatch } from './canary-watch.ts';
import { type BotDeps, ignored, type Outcome } from './deps.ts';
import { requireOptIn } from './environment-repos.ts';
import { loadForgeConfig } from './forge-config.ts';
import { type ForgePromotion, type ForgeRequest, promoteOnForge } from './promote-on-forge.ts';

export interface MergedEvent {
  repo: RepoPath;
  /** The merged PR/MR; undefined for gantry's own direct commit (`via: commit`). */
  number?: number;
  /** The branch merged into (the GitOps repo's default branch) and the merge commit. */
  base: string;
  mergeSha: string;
  head: string;
  body: string;
  /** Set by the canary watch once the canary passed: promote further now, do not watch again. */
  canaryPassed?: boolean;
}

export const NEXT_MARKER = 'gantry:next';

/**
 * A gantry promotion PR was merged: every environment that comes after it gets its PR when it
 * has `auto: true` and is not frozen (by a `freeze:` window or by `/gantry freeze`, recorded in
 * `.gantry/freeze.yml` on the base branch: read once, only when an auto environment follows);
 * otherwise the merged PR gets a comment naming the
 * command that promotes further.
 */
export async function onMerged(deps: BotDeps, event: MergedEvent): Promise<Outcome> {
  const metadata = parsePromotionBody(event.body);
  const ours = event.head.startsWith('gantry/') || event.head.startsWith(ROLLBACK_PREFIX);
  if (!ours || !metadata) return ignored('not a gantry promotion PR');
  // A PR in an environment's own repository: the configuration (and the next environment's
  // source of truth) is the home repository's, which this repository must extend.
  const home = metadata.home && metadata.home !== event.repo ? metadata.home : undefined;
  const homeBase = home ? await deps.forge.defaultBranch(home) : event.base;
  if (home) await requireOptIn(deps.forge, event.repo, home);
  const config = await loadForgeConfig(deps.forge, home ?? event.repo, home ? homeBase : event.mergeSha);
  if (!config) return ignored(`${home ?? event.repo} has no .gantry.yml`);
  // Canary: a watched environment promotes further only when its watch passes (the watch
  // calls onMerged again with canaryPassed). A direct commit has no PR to report on.
  const watch =
    event.canaryPassed || event.number === undefined
      ? undefined
      : await startWatch(deps, { ...event, number: event.number }, metadata, config);
  // A rollback is watched like any merge (and never rolled back itself), but promotes nothing further.
  const next =
    metadata.kind === 'rollback'
      ? []
      : environments(config).filter((e) => afterOf(e).includes(metadata.environment));
  if (next.length === 0)
    return {
      action: watch ? 'watching' : 'done',
      detail:
        metadata.kind === 'rollback'
          ? `rollback in ${metadata.environment}: nothing is promoted further`
          : `${metadata.environment} is the last environment`,
    };
  const lines: string[] = [];
  const opened: number[] = [];
  let state: FreezeState | undefined;
  for (const env of next) {
    const command = `/gantry promote ${env.name} --app ${metadata.app}`;
    if (!env.auto) {
      lines.push(`- **${env.name}**: promote with \`${command}\``);
      continue;
    }
    if (watch) {
      lines.push(
        `- **${env.name}**: opens when the canary in ${metadata.environment} passes (\`gantry/canary\`, watched until ${watch.end.slice(0, 16).replace('T', ' ')} UTC)`,
      );
      continue;
    }
    state ??= readFreezeState(await deps.forge.readFile(home ?? event.repo, FREEZE_FILE, homeBase));
    const freeze = frozen(env, state, deps.clock.now());
    if (freeze.frozen) {
      lines.push(
        `- **${env.name}**: ${inline(describeFreeze(freeze))}; promote then, or an approver runs \`${command} --force\``,
      );
      continue;
    }
    // No `from`: the environment's own pairing applies (targets' `from`, region twins, and
    // for a fan-in the newest of its sources, or all of them agreeing).
    let result: Awaited<ReturnType<typeof promoteAndFollow>>;
    try {
      result = await promoteAndFollow(deps, home ?? event.repo, homeBase, config, {
        kind: 'promote',
        request: { to: env.name, apps: [metadata.app] },
      });
    } catch (error) {
      // A fan-in with `from: all` whose sources do not agree yet, a source that disagrees
      // with its twin: the next merge may settle it. Never a downgrade or a guess as a side
      // effect of a merge either. Say why nothing was opened, on the merged PR.
      if (!(error instanceof UsageError || error instanceof RefusedError)) throw error;
      lines.push(`- **${env.name}**: not promoted: ${inline(error.message)}`);
      continue;
    }
    const { plan, outcomes, followed } = result;
    opened.push(...pullRequestsOf(outcomes), ...followed);
    lines.push(
      plan.empty
        ? `- **${env.name}**: already up to date`
        : `- **${env.name}**: ${outcomes.map(describeOutcome).join(', ')}`,
    );
  }
  if (event.number === undefined)
    return { action: opened.length ? 'promoted' : 'done', pullRequests: opened };
  const body = [
    `Merged into **${metadata.environment}**. Next:`,
    '',
    ...lines,
    '',
    hiddenMarker(NEXT_MARKER),
  ].join('\n');
  await deps.forge.upsertComment(event.repo, event.number, hiddenMarker(NEXT_MARKER), body);
  return { action: opened.length ? 'promoted' : 'commented', pullRequests: opened };
}

/**
 * Promotes (or releases) and, where that landed as a direct commit (`via: commit`), goes on
 * as if that commit had been a merged PR: the environments after it that are `auto` follow.
 * The chain ends at the first environment that is not `auto` (or has a PR to wait for).
 */
export async function promoteAndFollow(
  deps: BotDeps,
  repo: RepoPath,
  base: string,
  config: GantryConfig,
  what: ForgeRequest,
): Promise<ForgePromotion & { followed: number[] }> {
  const result = await promoteOnForge(deps, deps.forge, repo, base, what, config);
  const followed: number[] = [];
  for (const outcome of result.outcomes) {
    if (outcome.action !== 'committed') continue;
    const promotion = result.plan.apps.find((a) => a.app === outcome.app && a.repo === outcome.repo)!;
    const next = await onMerged(deps, {
      repo: outcome.repo ?? repo,
      base: outcome.repo ? await deps.forge.defaultBranch(outcome.repo) : base,
      mergeSha: outcome.sha,
      head: promotion.branch,
      body: promotion.body,
    });
    followed.push(...(next.pullRequests ?? []));
  }
  return { ...result, followed };
}

/** The end of the configured freeze window `env` is in at `now`, if any (recorded freezes aside). */
export function frozenUntil(env: EnvironmentConfig, now: Date): Date | undefined {
  const freeze = frozen(env, { environments: {} }, now);
  return freeze.frozen && freeze.source === 'window' ? freeze.until : undefined;
}
