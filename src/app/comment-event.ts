import type { GantryConfig } from '../core/config/schema.ts';
import type { Forge, RepoPath } from '../ports/forge.ts';
import type { BotDeps } from './deps.ts';
import type { RecentCommands } from './recent-commands.ts';

/**
 * A comment on a pull/merge request or an issue, normalised from either forge's webhook.
 * The server builds it from GitHub `issue_comment` / `pull_request_review_comment` and GitLab
 * note events (on MRs and issues) and calls `onComment(deps, event)`.
 */
export interface CommentEvent {
  forge: 'github' | 'gitlab';
  /** The repository the comment is in: `owner/name`, or `group/subgroup/project` on GitLab. */
  repo: RepoPath;
  /** The PR/MR or issue number (GitLab: the iid). */
  number: number;
  /** A PR/MR rather than an issue (GitHub: `issue.pull_request` is set; GitLab: `noteable_type`). */
  isPullRequest: boolean;
  /** The comment's id (GitHub comment id, GitLab note id): where the 👀 goes, and replay detection. */
  commentId: number;
  /** A GitHub review comment on a line of the diff (`pull_request_review_comment`): reactions differ. */
  reviewComment?: boolean;
  /** The comment's Markdown, as written. */
  body: string;
  /** Login (GitHub) or username (GitLab) of the comment's author. */
  author: string;
  /** GitHub `sender.type === 'Bot'`; GitLab `user.bot` where the payload has it. Bots are ignored. */
  authorIsBot: boolean;
  /** An edit of an existing comment (GitHub `action: edited`, GitLab a note update): ignored. */
  edited: boolean;
  /**
   * The PR/MR, when the payload has it (GitHub review comments, GitLab MR notes); without it
   * the use case asks the forge (one call) whether it comes from a fork.
   */
  pullRequest?: { fromFork: boolean; head: string; base: string; body: string };
}

/** What a canary analysis run from a comment is asked and answers (the analysis use case implements it). */
export interface AnalyzeRequest {
  /** The forge of the comment's repository, and that repository: the report goes on its PR/MR or issue. */
  forge: Forge;
  repo: RepoPath;
  number: number;
  isPullRequest: boolean;
  /** When the comment is on a gantry promotion PR: its environment and app. */
  environment?: string;
  app?: string;
  /** `--window`, validated (`15m`); default: the config's `canary.window`. */
  window?: string;
  requestedBy: string;
  /** The GitOps repository's configuration (it has a `canary:` section). */
  config: GantryConfig;
}

export interface AnalyzeResult {
  verdict: 'pass' | 'fail' | 'inconclusive';
  /** One line of plain text (escaped before it is shown). */
  summary: string;
  /** Where the full report is (the sticky comment). */
  url?: string;
}

export type AnalyzeNow = (request: AnalyzeRequest) => Promise<AnalyzeResult>;

/** What `onComment` needs besides the bot's usual dependencies; one instance per process. */
export interface ChatOpsDeps extends BotDeps {
  /** The bot's handle: `@<botName> promote prod` works like `/gantry promote prod` (GitHub App slug, GitLab bot user). */
  botName?: string;
  /** Accounts whose comments are never commands, besides `authorIsBot` and `*[bot]` logins: gantry's own user on GitLab. */
  ignoreAuthors?: readonly string[];
  /** Commands acted on lately (in-process; replicas rely on every command being idempotent). */
  recent: RecentCommands;
  /** One canary analysis now; absent when this server runs none (the reply says so). */
  analyzeNow?: AnalyzeNow;
}
