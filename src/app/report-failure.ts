import { inline } from '../core/markdown.ts';
import type { Forge } from '../ports/forge.ts';
import type { BotEvent } from './bot.ts';

/** What a user sees when gantry gave up on a delivery, and where gantry said it. */
export interface FailureReport {
  delivery: string;
  attempts: number;
  reason: 'permanent' | 'deadline';
  message: string;
}

/** GitHub caps a commit status description at 140 characters. */
const MAX_DESCRIPTION = 140;

/**
 * Says, where the user will look, that a delivery failed for good: a failed commit status on
 * the commit the event was about (`gantry/release` on the tag's commit in the app repository,
 * `gantry/delivery` on a pushed or PR head commit), or a comment on the PR/MR or issue the
 * event came from. Returns where it was said.
 */
export async function reportFailure(forge: Forge, event: BotEvent, report: FailureReport): Promise<string> {
  const why =
    report.reason === 'deadline'
      ? `gave up after ${report.attempts} attempt${report.attempts === 1 ? '' : 's'}`
      : 'failed';
  const short = `${why}: ${report.message}`;
  const status = async (repo: string, sha: string, context: string) => {
    const description = short.length > MAX_DESCRIPTION ? `${short.slice(0, MAX_DESCRIPTION - 1)}…` : short;
    await forge.setCommitStatus(repo, sha, { context, state: 'error', description });
    return `${context} status on ${repo}@${sha.slice(0, 12)}`;
  };
  const comment = async (repo: string, number: number, issue: boolean) => {
    const body = [
      `⚠️ gantry ${why} on this event (delivery \`${inline(report.delivery)}\`):`,
      '',
      `> ${inline(report.message)}`,
      '',
      'Fix the cause and redeliver the webhook (or repeat the command) to try again.',
    ].join('\n');
    await forge.createComment(repo, number, body, issue ? { issue: true } : {});
    return `comment on ${repo}#${number}`;
  };
  switch (event.kind) {
    case 'release':
      return status(event.repo, event.sha, 'gantry/release');
    case 'default-branch-push':
      return status(event.repo, event.sha, 'gantry/delivery');
    case 'change-request':
      return status(event.repo, event.headSha, 'gantry/delivery');
    case 'merged':
      // gantry's own direct commit (`via: commit`) has no PR to comment on: its commit gets the status.
      return event.number === undefined
        ? status(event.repo, event.mergeSha, 'gantry/delivery')
        : comment(event.repo, event.number, false);
    case 'comment':
      return comment(event.comment.repo, event.comment.number, !event.comment.isPullRequest);
  }
}
