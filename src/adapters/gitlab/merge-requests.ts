import type { PullRequest, PullRequestDraft } from '../../ports/forge.ts';
import type { GitLabApi } from './client.ts';
import { call } from './errors.ts';

/** The fields of a GitLab merge request that gantry reads. */
export interface GlMergeRequest {
  iid: number;
  web_url: string;
  title: string;
  description: string | null;
  state: string;
  source_branch: string;
  target_branch: string;
  sha: string;
  source_project_id: number;
  target_project_id: number;
  author: { username: string } | null;
}

export function toPullRequest(mr: GlMergeRequest): PullRequest {
  return {
    number: mr.iid,
    url: mr.web_url,
    title: mr.title,
    body: mr.description ?? '',
    head: mr.source_branch,
    base: mr.target_branch,
    headSha: mr.sha,
    // `locked` is an open MR mid-merge.
    state: mr.state === 'merged' ? 'merged' : mr.state === 'closed' ? 'closed' : 'open',
    fromFork: mr.source_project_id !== mr.target_project_id,
    author: mr.author?.username ?? 'ghost',
  };
}

/** One list call; MRs from forks with a branch of the same name are not gantry's. */
export async function findMergeRequest(
  api: GitLabApi,
  project: string,
  head: string,
  state: 'open' | 'closed' = 'open',
): Promise<PullRequest | null> {
  const list = (await call(`GitLab find merge request ${project} ${head}`, () =>
    api.MergeRequests.all({
      projectId: project,
      sourceBranch: head,
      // GitLab's `closed` excludes merged MRs; the port's `closed` means "merged or not", as on
      // GitHub (the orphan sweep must see a merged one), so that asks for all and filters.
      ...(state === 'open' ? { state: 'opened' } : {}),
      perPage: 100,
      maxPages: 1,
    }),
  )) as unknown as GlMergeRequest[];
  const mine = list
    .map(toPullRequest)
    .filter(
      (mr) =>
        mr.head === head && !mr.fromFork && (state === 'open' ? mr.state === 'open' : mr.state !== 'open'),
    );
  mine.sort((a, b) => (state === 'open' ? a.number - b.number : b.number - a.number));
  return mine[0] ?? null;
}

export async function getMergeRequest(api: GitLabApi, project: string, iid: number): Promise<PullRequest> {
  const mr = await call(`GitLab merge request ${project}!${iid}`, () => api.MergeRequests.show(project, iid));
  return toPullRequest(mr as unknown as GlMergeRequest);
}

/** One call: labels go in the create request; a draft is a `Draft:` title. */
export async function createMergeRequest(
  api: GitLabApi,
  project: string,
  draft: PullRequestDraft,
): Promise<PullRequest> {
  const title = draft.draft && !/^draft:/i.test(draft.title) ? `Draft: ${draft.title}` : draft.title;
  const mr = await call(
    `GitLab create merge request ${project} ${draft.head} → ${draft.base}`,
    () =>
      api.MergeRequests.create(project, draft.head, draft.base, title, {
        description: draft.body,
        ...(draft.labels?.length ? { labels: draft.labels.join(',') } : {}),
      }),
    // "Another open merge request already exists for this source branch": a concurrent trigger won.
    (status, message) => status === 409 || (status === 422 && /already exists/i.test(message)),
  );
  return toPullRequest(mr as unknown as GlMergeRequest);
}

export async function updateMergeRequest(
  api: GitLabApi,
  project: string,
  iid: number,
  change: { title?: string; body?: string },
): Promise<PullRequest> {
  const mr = await call(`GitLab update merge request ${project}!${iid}`, () =>
    api.MergeRequests.edit(project, iid, {
      ...(change.title === undefined ? {} : { title: change.title }),
      ...(change.body === undefined ? {} : { description: change.body }),
    }),
  );
  return toPullRequest(mr as unknown as GlMergeRequest);
}

/**
 * GitLab's auto-merge: merge once the pipeline succeeds (`auto_merge`, GitLab 17.11+, and the
 * older `merge_when_pipeline_succeeds` for earlier versions), pinned to the head gantry wrote
 * (`sha`: 409 when it moved). With no pipeline to wait for GitLab merges at once. One call.
 */
export async function autoMergeMergeRequest(
  api: GitLabApi,
  project: string,
  iid: number,
  sha: string,
): Promise<'scheduled' | 'merged'> {
  const mr = (await call(
    `GitLab auto-merge ${project}!${iid}`,
    () => api.MergeRequests.merge(project, iid, { sha, autoMerge: true, mergeWhenPipelineSucceeds: true }),
    (status) => status === 409,
  )) as unknown as { state: string };
  return mr.state === 'merged' ? 'merged' : 'scheduled';
}
