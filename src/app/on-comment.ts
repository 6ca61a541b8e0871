import { gatingCanary } from '../core/canary/gate.ts';
import { ruleFor } from '../core/command/authorize.ts';
import { type Command, canonical, changesState } from '../core/command/command.ts';
import { renderHelp } from '../core/command/help.ts';
import { type CommandLine, parseComment } from '../core/command/parse.ts';
import type { EnvironmentConfig, GantryConfig } from '../core/config/schema.ts';
import { ConfigError, ForgeError, GantryError, RefusedError, UsageError } from '../core/errors.ts';
import { environments, resolveDestination } from '../core/promote/environments.ts';
import { didYouMean } from '../core/text/did-you-mean.ts';
import {
  type ChatOpsContext,
  done,
  failed,
  noop,
  quoted,
  type Reply,
  type Run,
  safe,
} from './chatops-reply.ts';
import { ChatOpsSession } from './chatops-session.ts';
import { canaryCommand } from './command-canary.ts';
import { freezeCommand, unfreezeCommand } from './command-freeze.ts';
import { promoteCommand } from './command-promote.ts';
import { rollbackCommand } from './command-rollback.ts';
import { statusCommand } from './command-status.ts';
import type { ChatOpsDeps, CommentEvent } from './comment-event.ts';
import { ignored, type Outcome } from './deps.ts';

/**
 * A comment on a PR/MR or issue: runs the `/gantry` commands in it, in order, each answered
 * by one reply. Edited comments and comments by bots (gantry included) are ignored entirely,
 * as is a comment delivered again. Otherwise the comment gets 👀 first; then each command is
 * validated, resolved against the GitOps configuration, refused on PRs from forks when it
 * changes state, authorised (see core/command/authorize.ts), and only then acted on — a
 * refused command has made no call that changes anything. The same command repeated in the
 * same thread within a minute acts once.
 */
export async function onComment(deps: ChatOpsDeps, event: CommentEvent): Promise<Outcome> {
  if (event.edited) return ignored('edited comment');
  if (isBot(deps, event)) return ignored(`comment by a bot (${event.author})`);
  const parsed = parseComment(event.body, deps.botName ? { botName: deps.botName } : {});
  if (parsed.kind === 'none') return ignored('no command');
  const delivery = `${event.forge} ${event.repo} ${event.reviewComment ? 'review-comment' : 'comment'} ${event.commentId}`;
  if (!deps.recent.firstDelivery(delivery)) return ignored('comment already handled');
  await acknowledge(deps, event);
  if (parsed.kind === 'rejected') {
    await post(deps, event, failed(safe(parsed.error)));
    return { action: 'refused', detail: parsed.error };
  }
  const session = new ChatOpsSession(deps, event);
  const results: string[] = [];
  for (const line of parsed.commands) {
    const reply = await answer(deps, event, session, line);
    try {
      await post(deps, event, reply, line.text);
    } catch (error) {
      // The command has run (or was refused) either way; the next ones still get their turn.
      deps.log.error(
        { err: error, repo: event.repo, number: event.number },
        'could not post a ChatOps reply',
      );
    }
    results.push(`${line.result.ok ? canonical(line.result.command) : 'invalid'}: ${reply.emoji}`);
  }
  return { action: 'answered', detail: results.join('; ') };
}

function isBot(deps: ChatOpsDeps, event: CommentEvent): boolean {
  const author = event.author.toLowerCase();
  return (
    event.authorIsBot ||
    author.endsWith('[bot]') ||
    (deps.ignoreAuthors ?? []).some((a) => a.toLowerCase() === author)
  );
}

async function acknowledge(deps: ChatOpsDeps, event: CommentEvent): Promise<void> {
  try {
    await deps.forge.addReaction(
      event.repo,
      {
        kind: 'comment',
        id: event.commentId,
        pullRequest: event.number,
        ...(event.isPullRequest ? {} : { issue: true }),
        ...(event.reviewComment ? { review: true } : {}),
      },
      'eyes',
    );
  } catch (error) {
    // The 👀 is a courtesy: the commands still run and are answered.
    deps.log.warn(
      { err: error, repo: event.repo, comment: event.commentId },
      'could not react to the comment',
    );
  }
}

async function post(deps: ChatOpsDeps, event: CommentEvent, reply: Reply, typed?: string): Promise<void> {
  const head = typed === undefined ? reply.emoji : `${reply.emoji} ${quoted(typed)}`;
  const text = reply.text.includes('\n') ? `${head}\n\n${reply.text}` : `${head} ${reply.text}`;
  const help = reply.help ? `\n\n${renderHelp(deps.botName ? { botName: deps.botName } : {})}` : '';
  await deps.forge.createComment(event.repo, event.number, `${text}${help}`, {
    ...(event.isPullRequest ? {} : { issue: true }),
  });
}

async function answer(
  deps: ChatOpsDeps,
  event: CommentEvent,
  session: ChatOpsSession,
  line: CommandLine,
): Promise<Reply> {
  if (!line.result.ok) return failed(safe(line.result.error), line.result.help);
  const command = line.result.command;
  if (command.verb === 'help') {
    return done(
      renderHelp({
        ...(command.topic ? { topic: command.topic } : {}),
        ...(deps.botName ? { botName: deps.botName } : {}),
      }),
    );
  }
  let key: string | undefined;
  try {
    const ctx = await session.context();
    const environment = environmentFor(command, ctx.config, await promotionEnvironment(command, ctx, event));
    if (changesState(command) && (await session.pullRequest())?.fromFork) {
      return failed(
        `commands that change something are not accepted on pull requests from forks; run it on a pull request or issue of ${safe(ctx.repo)} itself`,
      );
    }
    const decision = await session.authorize(ruleFor(!changesState(command), environment, event.forge));
    if (!decision.allowed) return failed(safe(decision.reason));
    key = `${event.forge} ${event.repo}#${event.number} ${canonical(command)}`;
    if (!deps.recent.claim(key)) {
      key = undefined;
      return noop('the same command was acted on in this thread less than a minute ago; it runs once');
    }
    const reply = await dispatch({ deps, event, ctx, command, ...(environment ? { environment } : {}) });
    if (reply.emoji === '😕') deps.recent.release(key);
    return reply;
  } catch (error) {
    if (key) deps.recent.release(key);
    return failure(deps, event, error);
  }
}

function dispatch(run: Run): Promise<Reply> {
  const { command } = run;
  switch (command.verb) {
    case 'promote':
      return promoteCommand({ ...run, command });
    case 'rollback':
      return rollbackCommand({ ...run, command });
    case 'freeze':
      return freezeCommand({ ...run, command });
    case 'unfreeze':
      return unfreezeCommand({ ...run, command });
    case 'canary':
      return canaryCommand({ ...run, command });
    case 'status':
      return statusCommand(run);
    case 'help':
      return Promise.resolve(done(renderHelp(command.topic ? { topic: command.topic } : {})));
  }
}

/**
 * The environment of the promotion PR a command is on, as the command means it: for
 * `canary`, the one it analyses (gatingCanary: an open PR's source, a merged PR's
 * destination), which needs the PR's state; for the others, the destination.
 */
async function promotionEnvironment(
  command: Command,
  ctx: ChatOpsContext,
  event: CommentEvent,
): Promise<string | undefined> {
  if (!ctx.promotion) return undefined;
  if (command.verb !== 'canary') return ctx.promotion.environment;
  const pr = await ctx.forge.getPullRequest(event.repo, event.number);
  return gatingCanary(ctx.promotion, pr.state).environment;
}

/** Unknown environment → UsageError with did-you-mean (the reply adds the help). */
class UnknownEnvironment extends UsageError {}

/**
 * The environment a command acts on. `promote` and `rollback` take a target as well
 * (`prod/eu-west` → prod); `freeze` and `unfreeze` whole environments; `canary` the
 * environment of the promotion PR it is typed on.
 */
function environmentFor(
  command: Command,
  config: GantryConfig,
  prEnvironment?: string,
): EnvironmentConfig | undefined {
  const envs = environments(config);
  switch (command.verb) {
    case 'promote':
    case 'rollback':
      try {
        return resolveDestination(config, command.env).env;
      } catch (error) {
        throw new UnknownEnvironment((error as Error).message);
      }
    case 'freeze':
    case 'unfreeze': {
      const env = envs.find((e) => e.name === command.env);
      if (env) return env;
      const names = envs.map((e) => e.name);
      throw new UnknownEnvironment(
        `unknown environment "${command.env}"${didYouMean(command.env, names)}; freezes apply to whole environments: ${names.join(', ')}`,
      );
    }
    case 'canary':
      return envs.find((e) => e.name === prEnvironment || (e.targets ?? []).includes(prEnvironment ?? ''));
    default:
      return undefined;
  }
}

function failure(deps: ChatOpsDeps, event: CommentEvent, error: unknown): Reply {
  const lines = (message: string) => message.split('\n').map(safe).join('\n');
  if (error instanceof UnknownEnvironment) return failed(lines(error.message), true);
  if (error instanceof ConfigError) return failed(`the configuration is not valid:\n${lines(error.message)}`);
  if (error instanceof ForgeError) {
    deps.log.warn({ err: error, repo: event.repo }, 'forge refused a ChatOps command');
    return failed(`the forge refused: ${lines(error.message)}`);
  }
  if (error instanceof RefusedError && error.permit && error.permit !== 'freeze') {
    // The explicit way to move an environment back, or to a version of unknown order.
    return failed(
      `${lines(error.message)}. To move there on purpose: \`/gantry rollback <env> --app <app> --to <version>\``,
    );
  }
  if (error instanceof GantryError) return failed(lines(error.message));
  deps.log.error({ err: error, repo: event.repo, number: event.number }, 'ChatOps command failed');
  return failed('gantry failed unexpectedly; the error is in its log');
}
