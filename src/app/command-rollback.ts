import { type Command, canonical } from '../core/command/command.ts';
import { UsageError } from '../core/errors.ts';
import { inline } from '../core/markdown.ts';
import { formatVersion } from '../core/promote/artifact-state.ts';
import { done, failed, impliedApps, noop, type Reply, type Run, safe } from './chatops-reply.ts';
import { rollbackOnForge } from './rollback-on-forge.ts';

type Rollback = Extract<Command, { verb: 'rollback' }>;

/**
 * A PR per app setting the environment back to its previous version (or `--to`). Which app:
 * `--app`, else the promotion PR's, else the only app of the repository; with several apps
 * and nothing to go by, the reply asks for `--app` rather than rolling back everything.
 * Freezes do not block a rollback: it is how an incident is answered.
 */
export async function rollbackCommand(run: Run<Rollback>): Promise<Reply> {
  const { deps, ctx, command, event } = run;
  const all = Object.keys(ctx.config.apps ?? {});
  const apps = impliedApps(run, command.apps) ?? (all.length === 1 ? all : undefined);
  if (!apps) {
    return failed(`which app? Add \`--app NAME\` (one of: ${safe(all.join(', '))}).`);
  }
  if (command.to && apps.length > 1) throw new UsageError('--to names one version: give one --app with it');
  const lines: string[] = [];
  let changed = false;
  for (const app of apps) {
    const result = await rollbackOnForge(
      deps,
      ctx.forge,
      ctx.repo,
      ctx.base,
      {
        env: command.env,
        app,
        ...(command.to ? { to: command.to } : {}),
        notes: [
          `Requested by @${inline(event.author)} with \`/gantry ${canonical(command)}\` on ${event.repo}#${event.number}.`,
        ],
      },
      ctx.config,
    );
    const targets = [...result.points].map(
      ([target, p]) =>
        `${target} → ${formatVersion(p.version)}${p.kind === 'commit' ? ` (as of ${p.sha.slice(0, 12)})` : ''}`,
    );
    if (!result.outcome) {
      lines.push(`- **${safe(app)}**: already at ${safe(targets.join(', '))}`);
      continue;
    }
    changed = true;
    lines.push(
      `- **${safe(app)}** ${safe(targets.join(', '))}: ${result.outcome.action} ${result.outcome.pullRequest.url}`,
    );
  }
  const text = [`rollback of **${safe(command.env)}**`, ...lines].join('\n');
  return changed ? done(text) : noop(text);
}
