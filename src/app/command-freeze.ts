import type { Command } from '../core/command/command.ts';
import { UsageError } from '../core/errors.ts';
import { describeFreeze, frozen } from '../core/freeze/frozen.ts';
import {
  FREEZE_FILE,
  type FreezeState,
  readFreezeState,
  renderFreezeState,
  withFreeze,
  withoutFreeze,
} from '../core/freeze/state.ts';
import { retryOnConflict } from './apply-promotion.ts';
import { done, noop, type Reply, type Run, safe } from './chatops-reply.ts';

type Freeze = Extract<Command, { verb: 'freeze' }>;
type Unfreeze = Extract<Command, { verb: 'unfreeze' }>;

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `2h` → milliseconds (the parser has checked the shape). */
export function durationMs(text: string): number {
  return Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1)]!;
}

/**
 * Records a freeze in `.gantry/freeze.yml` on the default branch: one commit by gantry with
 * compare-and-swap on the branch (re-read and retried when it moved). A freeze already
 * recorded with the same reason and end is not committed again.
 */
export async function freezeCommand(run: Run<Freeze>): Promise<Reply> {
  const { deps, event, command } = run;
  const now = deps.clock.now();
  const until = command.for ? new Date(now.getTime() + durationMs(command.for)).toISOString() : undefined;
  const entry = {
    ...(command.reason ? { reason: command.reason } : {}),
    by: event.author,
    at: now.toISOString(),
    ...(until ? { until } : {}),
  };
  const result = await change(run, `Freeze ${command.env}`, (state) => {
    const current = state.environments[command.env];
    if (current && current.reason === entry.reason && current.until === entry.until) return undefined;
    return withFreeze(state, command.env, entry);
  });
  const freeze = frozen(run.environment!, withFreeze({ environments: {} }, command.env, entry), now);
  const what = freeze.frozen ? describeFreeze(freeze) : 'frozen';
  return result.sha
    ? done(`**${safe(command.env)}** is ${safe(what)}: ${result.url}`)
    : noop(`**${safe(command.env)}** was already frozen with this reason`);
}

/** Removes a recorded freeze; freeze windows of the configuration still apply, and the reply says so. */
export async function unfreezeCommand(run: Run<Unfreeze>): Promise<Reply> {
  const { deps, command } = run;
  const result = await change(run, `Unfreeze ${command.env}`, (state) =>
    state.environments[command.env] ? withoutFreeze(state, command.env) : undefined,
  );
  const window = frozen(run.environment!, { environments: {} }, deps.clock.now());
  const still = window.frozen ? ` It stays ${safe(describeFreeze(window))}.` : '';
  return result.sha
    ? done(`**${safe(command.env)}** is no longer frozen by command: ${result.url}.${still}`)
    : noop(`**${safe(command.env)}** was not frozen by \`/gantry freeze\`.${still}`);
}

/** One commit of the freeze file on the default branch, or none when `edit` changes nothing. */
async function change(
  run: Run<Freeze | Unfreeze>,
  title: string,
  edit: (state: FreezeState) => FreezeState | undefined,
): Promise<{ sha?: string; url?: string }> {
  const { deps, ctx, event, command } = run;
  return deps.lock.run(ctx.repo, () =>
    retryOnConflict(async () => {
      const snapshot = await ctx.forge.readFiles(ctx.repo, [FREEZE_FILE], ctx.base);
      const state = readFreezeState(snapshot.files.get(FREEZE_FILE) ?? null);
      if (state.invalid) throw new UsageError(`${state.invalid}; fix or delete the file, then try again`);
      const next = edit(state);
      if (!next) return {};
      const reason = command.verb === 'freeze' && command.reason ? `: ${command.reason}` : '';
      const { sha } = await ctx.forge.commit(ctx.repo, {
        branch: ctx.base,
        parent: snapshot.sha,
        expectedHead: snapshot.sha,
        message: `${title}${reason}\n\nRequested by @${event.author} in ${event.repo}#${event.number} (gantry ChatOps).\n`,
        changes: [{ path: FREEZE_FILE, content: renderFreezeState(next) }],
      });
      return { sha, url: ctx.forge.compareUrl(ctx.repo, snapshot.sha, sha) };
    }),
  );
}
