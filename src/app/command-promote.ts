import type { Command } from '../core/command/command.ts';
import { describeFreeze, frozen } from '../core/freeze/frozen.ts';
import { FREEZE_FILE, readFreezeState } from '../core/freeze/state.ts';
import { formatVersion } from '../core/promote/artifact-state.ts';
import { describeOutcome } from './apply-promotion.ts';
import { done, failed, impliedApps, noop, type Reply, type Run, safe } from './chatops-reply.ts';
import { promoteAndFollow } from './on-merged.ts';

type Promote = Extract<Command, { verb: 'promote' }>;

/**
 * Opens or updates the promotion PR(s) into an environment (or one target), from the
 * environment before it, for the apps the command means (`--app`, else the PR's, else all).
 * Dependencies come first and missing ones are noted, as in every promotion. Refused while
 * the environment is frozen unless the command says `--force` (the caller has checked that
 * the user is allowed to act on the environment: an approver where it has approvers).
 */
export async function promoteCommand(run: Run<Promote>): Promise<Reply> {
  const { deps, ctx, command } = run;
  const env = run.environment!;
  if (!env.after && !command.from) {
    return failed(
      `${safe(env.name)} is a first environment: versions reach it from tags (releases), nothing promotes into it`,
    );
  }
  const state = readFreezeState(await ctx.forge.readFile(ctx.repo, FREEZE_FILE, ctx.base));
  const freeze = frozen(env, state, deps.clock.now());
  if (freeze.frozen && !command.force) {
    return failed(
      `${safe(env.name)} is ${safe(describeFreeze(freeze))}. An approver may promote anyway by adding \`--force\`.`,
    );
  }
  const apps = impliedApps(run, command.apps);
  const { plan, outcomes, followed } = await promoteAndFollow(
    { ...deps, forge: ctx.forge },
    ctx.repo,
    ctx.base,
    ctx.config,
    {
      kind: 'promote',
      request: {
        to: command.env,
        ...(command.from ? { from: command.from } : {}),
        ...(apps ? { apps } : {}),
      },
    },
  );
  if (plan.empty) return noop(safe(plan.summary));
  const lines = outcomes.map((o) => {
    const app = plan.apps.find((a) => a.app === o.app)!;
    const moves = [
      ...new Set(app.metadata.targets.map((t) => `${formatVersion(t.from)} → ${formatVersion(t.to)}`)),
    ];
    return `- **${safe(o.app)}** ${safe(moves.join(', '))}: ${describeOutcome(o)}${o.detail ? ` (${safe(o.detail)})` : ''}`;
  });
  const notes = [...new Set(plan.apps.flatMap((a) => a.notes))].map((n) => `- ⚠️ ${safe(n)}`);
  // Committed straight onto the default branch: the auto environments after it followed.
  if (followed.length) notes.push(`- then: ${followed.map((n) => `#${n}`).join(', ')}`);
  const forced = freeze.frozen
    ? [`- ❄️ promoted during a freeze (--force): ${safe(describeFreeze(freeze))}`]
    : [];
  return done(
    [
      `promotion into **${safe(command.env)}** from **${safe(plan.source)}**`,
      ...lines,
      ...notes,
      ...forced,
    ].join('\n'),
  );
}
