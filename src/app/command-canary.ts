import type { Command } from '../core/command/command.ts';
import { done, failed, type Reply, type Run, safe } from './chatops-reply.ts';

type Canary = Extract<Command, { verb: 'canary' }>;

/** One canary analysis now, through the injected analysis use case; "not configured" otherwise. */
export async function canaryCommand(run: Run<Canary>): Promise<Reply> {
  const { deps, ctx, event, command } = run;
  if (!ctx.config.canary)
    return failed(
      `canary analysis is not configured: ${safe(ctx.repo)} has no \`canary:\` section in .gantry.yml`,
    );
  if (!deps.analyzeNow) return failed('canary analysis is not available on this gantry server');
  const result = await deps.analyzeNow({
    forge: deps.forge,
    repo: event.repo,
    number: event.number,
    isPullRequest: event.isPullRequest,
    // On a promotion PR the use case finds what to analyse from the PR (gatingCanary): the
    // source environment of an open one, the destination of a merged one.
    ...(ctx.promotion ? { app: ctx.promotion.app } : {}),
    ...(command.window ? { window: command.window } : {}),
    requestedBy: event.author,
    config: ctx.config,
  });
  return done(
    `canary analysis: **${result.verdict}**, ${safe(result.summary)}${result.url ? ` ${result.url}` : ''}`,
  );
}
