import * as z from 'zod';
import type { BotEvent } from '../../app/bot.ts';
import type { Normalised } from './gitlab-events.ts';

/** The fields gantry uses of GitHub's webhook payloads, validated before anything acts on them. */
const repository = z.object({ full_name: z.string().min(1), default_branch: z.string() });
const sha = z.string().regex(/^[0-9a-f]{40}$/);
const files = z.array(z.string()).default([]);

const push = z.object({
  ref: z.string(),
  after: sha,
  deleted: z.boolean().default(false),
  repository,
  commits: z.array(z.object({ added: files, modified: files, removed: files })).default([]),
});
const pullRequestClosed = z.object({
  repository,
  pull_request: z.object({
    number: z.number().int().positive(),
    merged: z.boolean().nullish(),
    merge_commit_sha: sha.nullish(),
    body: z.string().nullish(),
    head: z.object({ ref: z.string() }),
    base: z.object({ ref: z.string() }),
  }),
});
const pullRequestChanged = z.object({
  repository,
  pull_request: z.object({
    number: z.number().int().positive(),
    head: z.object({ ref: z.string(), sha, repo: z.object({ full_name: z.string() }).nullish() }),
  }),
});
const workflowRun = z.object({
  repository,
  workflow_run: z.object({
    conclusion: z.string().nullish(),
    event: z.string(),
    head_branch: z.string().nullish(),
    head_sha: sha,
  }),
});

export function normalisePush(payload: unknown): Normalised {
  const p = push.safeParse(payload);
  if (!p.success) return invalid('push', p.error);
  if (p.data.deleted) return { ignored: 'ref deleted' };
  const repo = p.data.repository.full_name;
  if (p.data.ref.startsWith('refs/tags/')) {
    return {
      event: {
        kind: 'release',
        repo,
        tag: p.data.ref.slice('refs/tags/'.length),
        sha: p.data.after,
        trigger: 'tag',
      },
    };
  }
  const branch = p.data.ref.replace(/^refs\/heads\//, '');
  if (branch !== p.data.repository.default_branch)
    return { ignored: `push to ${branch}, not the default branch` };
  const changed = [...new Set(p.data.commits.flatMap((c) => [...c.added, ...c.modified, ...c.removed]))];
  return { event: { kind: 'default-branch-push', repo, branch, sha: p.data.after, changed } };
}

export function normaliseClosedPullRequest(payload: unknown): Normalised {
  const p = pullRequestClosed.safeParse(payload);
  if (!p.success) return invalid('pull_request', p.error);
  const pr = p.data.pull_request;
  if (!pr.merged || !pr.merge_commit_sha) return { ignored: 'closed without merging' };
  const event: BotEvent = {
    kind: 'merged',
    repo: p.data.repository.full_name,
    number: pr.number,
    base: pr.base.ref,
    mergeSha: pr.merge_commit_sha,
    head: pr.head.ref,
    body: pr.body ?? '',
  };
  return { event };
}

const user = z.object({ login: z.string(), type: z.string().optional() });
const issueComment = z.object({
  action: z.string(),
  repository,
  issue: z.object({
    number: z.number().int().positive(),
    pull_request: z.object({}).passthrough().nullish(),
  }),
  comment: z.object({ id: z.number().int(), body: z.string().nullish(), user }),
  sender: user,
});
const reviewComment = z.object({
  action: z.string(),
  repository,
  pull_request: z.object({
    number: z.number().int().positive(),
    body: z.string().nullish(),
    head: z.object({ ref: z.string(), repo: z.object({ full_name: z.string() }).nullish() }),
    base: z.object({ ref: z.string() }),
  }),
  comment: z.object({ id: z.number().int(), body: z.string().nullish(), user }),
  sender: user,
});

/** A comment on an issue or PR conversation (`issue_comment`), or on a diff line (`pull_request_review_comment`). */
export function normaliseComment(
  name: 'issue_comment' | 'pull_request_review_comment',
  payload: unknown,
): Normalised {
  if (name === 'issue_comment') {
    const p = issueComment.safeParse(payload);
    if (!p.success) return invalid(name, p.error);
    if (p.data.action === 'deleted') return { ignored: 'comment deleted' };
    const c = p.data.comment;
    return {
      event: {
        kind: 'comment',
        comment: {
          forge: 'github',
          repo: p.data.repository.full_name,
          number: p.data.issue.number,
          isPullRequest: Boolean(p.data.issue.pull_request),
          commentId: c.id,
          body: c.body ?? '',
          author: c.user.login,
          authorIsBot: c.user.type === 'Bot' || p.data.sender.type === 'Bot',
          edited: p.data.action === 'edited',
        },
      },
    };
  }
  const p = reviewComment.safeParse(payload);
  if (!p.success) return invalid(name, p.error);
  if (p.data.action === 'deleted') return { ignored: 'comment deleted' };
  const c = p.data.comment;
  const pr = p.data.pull_request;
  const repo = p.data.repository.full_name;
  return {
    event: {
      kind: 'comment',
      comment: {
        forge: 'github',
        repo,
        number: pr.number,
        isPullRequest: true,
        commentId: c.id,
        reviewComment: true,
        body: c.body ?? '',
        author: c.user.login,
        authorIsBot: c.user.type === 'Bot' || p.data.sender.type === 'Bot',
        edited: p.data.action === 'edited',
        pullRequest: {
          fromFork: pr.head.repo?.full_name !== repo,
          head: pr.head.ref,
          base: pr.base.ref,
          body: pr.body ?? '',
        },
      },
    },
  };
}

/** A PR opened or pushed to: its Dockerfiles may need the CI to change. */
export function normaliseChangedPullRequest(payload: unknown): Normalised {
  const p = pullRequestChanged.safeParse(payload);
  if (!p.success) return invalid('pull_request', p.error);
  const pr = p.data.pull_request;
  const repo = p.data.repository.full_name;
  return {
    event: {
      kind: 'change-request',
      repo,
      number: pr.number,
      head: pr.head.ref,
      headSha: pr.head.sha,
      // A deleted fork has no head repository: treat it as a fork, never push to it.
      fromFork: pr.head.repo?.full_name !== repo,
    },
  };
}

/**
 * A completed workflow run: a release when it succeeded on a tag push. GitHub reports the
 * tag as `head_branch`; `isBranch` tells a tag from a branch of the same name.
 */
export async function normaliseWorkflowRun(
  payload: unknown,
  isBranch: (repo: string, name: string) => Promise<boolean>,
): Promise<Normalised> {
  const p = workflowRun.safeParse(payload);
  if (!p.success) return invalid('workflow_run', p.error);
  const run = p.data.workflow_run;
  if (run.conclusion !== 'success') return { ignored: `workflow ${run.conclusion ?? 'unfinished'}` };
  if (run.event !== 'push' || !run.head_branch) return { ignored: `workflow run for ${run.event}` };
  const repo = p.data.repository.full_name;
  if (await isBranch(repo, run.head_branch)) return { ignored: `workflow run on branch ${run.head_branch}` };
  return { event: { kind: 'release', repo, tag: run.head_branch, sha: run.head_sha, trigger: 'pipeline' } };
}

function invalid(event: string, error: z.ZodError): Normalised {
  const first = error.issues[0];
  return {
    ignored: `${event} payload lacks ${first?.path.join('.') || 'fields'}: ${first?.message ?? 'invalid'}`,
  };
}
