import { ForgeError } from '../../core/errors.ts';
import { call, callOrNull } from './errors.ts';
import type { GitHubClient } from './octokit.ts';
import type { RepoRef } from './repo.ts';

const name = (repo: RepoRef) => `${repo.owner}/${repo.repo}`;

/** GET /repos/{owner}/{repo}/git/matching-refs/heads/{prefix}: one call, every match. */
export async function listBranches(client: GitHubClient, repo: RepoRef, prefix: string) {
  const { data } = await call(`GitHub branches ${name(repo)} ${prefix}*`, () =>
    client.rest.git.listMatchingRefs({ ...repo, ref: `heads/${prefix}` }),
  );
  return data
    .filter((ref) => ref.object.type === 'commit')
    .map((ref) => ({ name: ref.ref.replace(/^refs\/heads\//, ''), sha: ref.object.sha }));
}

export async function commitMessage(client: GitHubClient, repo: RepoRef, sha: string): Promise<string> {
  const { data } = await call(`GitHub commit ${name(repo)}@${sha}`, () =>
    client.rest.git.getCommit({ ...repo, commit_sha: sha }),
  );
  return data.message;
}

/** A branch already gone is deleted as well (GitHub answers 422 "Reference does not exist"). */
export async function deleteBranch(client: GitHubClient, repo: RepoRef, branch: string): Promise<void> {
  try {
    await callOrNull(`GitHub delete ${name(repo)} ${branch}`, () =>
      client.rest.git.deleteRef({ ...repo, ref: `heads/${branch}` }),
    );
  } catch (error) {
    if (error instanceof ForgeError && error.status === 422 && /does not exist/i.test(error.message)) return;
    throw error;
  }
}
