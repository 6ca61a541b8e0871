import type { PullRequest, PullRequestDraft } from '../../ports/forge.ts';
import { call } from './errors.ts';
import type { GitHubClient } from './octokit.ts';
import type { RepoRef } from './repo.ts';

/** The fields of a REST pull request that gantry reads (list and get answer the same shape). */
export interface RestPull {
  number: number;
  html_url: string;
  title: string;
  body: string | null;
  state: string;
  merged_at: string | null;
  user: { login: string } | null;
  head: { ref: string; sha: string; repo: { full_name: string } | null };
  base: { ref: string; repo: { full_name: string } };
}

export function toPullRequest(pr: RestPull): PullRequest {
  return {
    number: pr.number,
    url: pr.html_url,
    title: pr.title,
    body: pr.body ?? '',
    head: pr.head.ref,
    base: pr.base.ref,
    headSha: pr.head.sha,
    state: pr.merged_at ? 'merged' : pr.state === 'open' ? 'open' : 'closed',
    // A deleted fork leaves `head.repo` null: still not gantry's branch to write.
    fromFork: pr.head.repo?.full_name.toLowerCase() !== pr.base.repo.full_name.toLowerCase(),
    author: pr.user?.login ?? 'ghost',
  };
}

const name = (repo: RepoRef) => `${repo.owner}/${repo.repo}`;

/** One list call filtered by `owner:branch`, so a fork's branch of the same name never matches. */
export async function findPullRequest(
  client: GitHubClient,
  repo: RepoRef,
  head: string,
  state: 'open' | 'closed' = 'open',
): Promise<PullRequest | null> {
  const { data } = await call(`GitHub find pull request ${name(repo)} ${head}`, () =>
    client.rest.pulls.list({ ...repo, state, head: `${repo.owner}:${head}`, per_page: 100 }),
  );
  const mine = (data as RestPull[]).map(toPullRequest).filter((pr) => pr.head === head && !pr.fromFork);
  // Open: the oldest (the one gantry keeps updating). Closed: the most recent.
  mine.sort((a, b) => (state === 'open' ? a.number - b.number : b.number - a.number));
  return mine[0] ?? null;
}

export async function getPullRequest(
  client: GitHubClient,
  repo: RepoRef,
  number: number,
): Promise<PullRequest> {
  const { data } = await call(`GitHub pull request ${name(repo)}#${number}`, () =>
    client.rest.pulls.get({ ...repo, pull_number: number }),
  );
  return toPullRequest(data as RestPull);
}

/** Creates the PR (one call) and labels it (one more call, only when there are labels). */
export async function createPullRequest(
  client: GitHubClient,
  repo: RepoRef,
  draft: PullRequestDraft,
): Promise<PullRequest> {
  const what = `GitHub create pull request ${name(repo)} ${draft.head} → ${draft.base}`;
  const { data } = await call(
    what,
    () =>
      client.rest.pulls.create({
        ...repo,
        head: draft.head,
        base: draft.base,
        title: draft.title,
        body: draft.body,
        ...(draft.draft ? { draft: true } : {}),
      }),
    // Two triggers racing: the second create is refused; the caller finds the first one's PR.
    (status, message) => status === 422 && /already exists/i.test(message),
  );
  if (draft.labels?.length) {
    await call(`${what}: labels`, () =>
      client.rest.issues.addLabels({ ...repo, issue_number: data.number, labels: draft.labels! }),
    );
  }
  return toPullRequest(data as RestPull);
}

export async function updatePullRequest(
  client: GitHubClient,
  repo: RepoRef,
  number: number,
  change: { title?: string; body?: string },
): Promise<PullRequest> {
  const { data } = await call(`GitHub update pull request ${name(repo)}#${number}`, () =>
    client.rest.pulls.update({
      ...repo,
      pull_number: number,
      ...(change.title === undefined ? {} : { title: change.title }),
      ...(change.body === undefined ? {} : { body: change.body }),
    }),
  );
  return toPullRequest(data as RestPull);
}
