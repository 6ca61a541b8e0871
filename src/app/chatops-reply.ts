import type { Command } from '../core/command/command.ts';
import type { EnvironmentConfig, GantryConfig } from '../core/config/schema.ts';
import { code, inline } from '../core/markdown.ts';
import type { PromotionMetadata } from '../core/promote/pr-body.ts';
import type { Forge, RepoPath } from '../ports/forge.ts';
import type { ChatOpsDeps, CommentEvent } from './comment-event.ts';

/** One answer to one command: 🚀 done (with links), 👌 nothing to do, 😕 refused or failed. */
export interface Reply {
  emoji: '🚀' | '👌' | '😕';
  /** Markdown, already safe: user-derived text went through `safe`. */
  text: string;
  /** Append the help (unknown verb or environment, wrong usage). */
  help?: boolean;
}

export const done = (text: string): Reply => ({ emoji: '🚀', text });
export const noop = (text: string): Reply => ({ emoji: '👌', text });
export const failed = (text: string, help = false): Reply => ({
  emoji: '😕',
  text,
  ...(help ? { help } : {}),
});

/**
 * Plain text made safe to show in a reply: Markdown and HTML escaped, one line, and no
 * `@mention` that would ping whoever a user typed (an empty HTML comment splits it; GitHub
 * and GitLab both drop it when rendering).
 */
export function safe(text: string): string {
  return inline(text).replace(/(?<![A-Za-z0-9_])@(?=[A-Za-z0-9_])/g, '@<!-- -->');
}

/** The command as typed, for the start of a reply: a code span, cut at 120 characters. */
export function quoted(text: string): string {
  const chars = [...text];
  return code(chars.length > 120 ? `${chars.slice(0, 119).join('')}…` : text);
}

/** Where a comment's commands act: the GitOps repository, seen from the repository of the comment. */
export interface ChatOpsContext {
  forge: Forge;
  repo: RepoPath;
  base: string;
  config: GantryConfig;
  /** The metadata of the gantry PR the comment is on, if it is one (in the GitOps repository). */
  promotion?: PromotionMetadata;
  /** An app repository's `deploy.app`, when the comment is there. */
  deployApp?: string;
}

/** What a command handler gets: everything resolved and authorised. */
export interface Run<C extends Command = Command> {
  deps: ChatOpsDeps;
  event: CommentEvent;
  ctx: ChatOpsContext;
  command: C;
  /** The environment the command acts on, resolved in the config. */
  environment?: EnvironmentConfig;
}

/** Apps a command means: `--app`, else the app of the promotion PR it is on, else the app repository's. */
export function impliedApps(run: Run, named: readonly string[]): string[] | undefined {
  if (named.length) return [...named];
  if (run.ctx.promotion) return [run.ctx.promotion.app];
  if (run.ctx.deployApp) return [run.ctx.deployApp];
  return undefined;
}
