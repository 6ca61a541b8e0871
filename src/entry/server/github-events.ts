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
