import type { EnvironmentConfig } from '../core/config/schema.ts';
import { RefusedError } from '../core/errors.ts';
import { describeFreeze, frozen } from '../core/freeze/frozen.ts';
import { FREEZE_FILE, type FreezeState, readFreezeState } from '../core/freeze/state.ts';
import { hiddenMarker, inline } from '../core/markdown.ts';
import { environments } from '../core/promote/environments.ts';
import { parsePromotionBody } from '../core/promote/pr-body.ts';
import { ROLLBACK_PREFIX } from '../core/promote/rollback.ts';
import type { RepoPath } from '../ports/forge.ts';
import { startWatch } from './canary-watch.ts';
import { type BotDeps, ignored, type Outcome } from './deps.ts';
import { loadForgeConfig } from './forge-config.ts';
import { promoteOnForge } from './promote-on-forge.ts';

export interface MergedEvent {
  repo: RepoPath;
  number: number;
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
  const config = await loadForgeConfig(deps.forge, event.repo, event.mergeSha);
  if (!config) return ignored(`${event.repo} has no .gantry.yml`);
  // Canary: a watched environment promotes further only when its watch passes (the watch
  // calls onMerged again with canaryPassed).
  const watch = event.canaryPassed ? undefined : await startWatch(deps, event, metadata, config);
  // A rollback is watched like any merge (and never rolled back itself), but promotes nothing further.
  const next =
    metadata.kind === 'rollback' ? [] : environments(config).filter((e) => e.after === metadata.environment);
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
    state ??= readFreezeState(await deps.forge.readFile(event.repo, FREEZE_FILE, event.base));
    const freeze = frozen(env, state, deps.clock.now());
    if (freeze.frozen) {
      lines.push(
        `- **${env.name}**: ${inline(describeFreeze(freeze))}; promote then, or an approver runs \`${command} --force\``,
      );
    } else {
      const promoted = await promoteOnForge(
        deps,
        deps.forge,
        event.repo,
        event.base,
        {
          kind: 'promote',
          request: { to: env.name, from: metadata.environment, apps: [metadata.app] },
        },
        config,
      ).catch((error: unknown) => {
        // Never a downgrade or a guess as a side effect of a merge: say why on the merged PR.
        if (error instanceof RefusedError) return error;
        throw error;
      });
      if (promoted instanceof RefusedError) {
        lines.push(`- **${env.name}**: not promoted: ${inline(promoted.message)}`);
        continue;
      }
      const { plan, outcomes } = promoted;
      for (const o of outcomes) opened.push(o.pullRequest.number);
      lines.push(
        plan.empty
          ? `- **${env.name}**: already up to date`
          : `- **${env.name}**: ${outcomes.map((o) => `${o.action} ${o.pullRequest.url}`).join(', ')}`,
      );
    }
  }
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

/** The end of the configured freeze window `env` is in at `now`, if any (recorded freezes aside). */
export function frozenUntil(env: EnvironmentConfig, now: Date): Date | undefined {
  const freeze = frozen(env, { environments: {} }, now);
  return freeze.frozen && freeze.source === 'window' ? freeze.until : undefined;
}
