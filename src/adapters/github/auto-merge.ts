import { ForgeError } from '../../core/errors.ts';
import { call } from './errors.ts';
import type { GitHubClient } from './octokit.ts';
import type { RepoRef } from './repo.ts';

const ENABLE_AUTO_MERGE = `mutation GantryAutoMerge($id: ID!, $sha: GitObjectID) {
  enablePullRequestAutoMerge(input: { pullRequestId: $id, expectedHeadOid: $sha }) {
    pullRequest { autoMergeRequest { enabledAt } }
  }
}`;

/**
 * GitHub's auto-merge (GraphQL `enablePullRequestAutoMerge`, pinned to the head gantry
 * wrote). GitHub refuses it for a PR that can be merged right away ("is in clean status", or
 * "unstable" when only optional checks fail): that one is merged now, pinned to the same head
 * (REST merge). Calls: PR 1, mutation 1, and merge 1 when nothing is left to wait for.
 */
export async function enableAutoMerge(
  client: GitHubClient,
  repo: RepoRef,
  number: number,
  headSha: string,
): Promise<'scheduled' | 'merged'> {
  const name = `${repo.owner}/${repo.repo}#${number}`;
  const { data } = await call(`GitHub pull request ${name}`, () =>
    client.rest.pulls.get({ ...repo, pull_number: number }),
  );
  try {
    await call(
      `GitHub enable auto-merge ${name}`,
      () => client.graphql(ENABLE_AUTO_MERGE, { id: data.node_id, sha: headSha }),
      // `expectedHeadOid` no longer the head: someone pushed; the caller re-plans.
      (_status, message) => /head branch was modified/i.test(message),
    );
    return 'scheduled';
  } catch (error) {
    if (!(error instanceof ForgeError) || !/is in (clean|unstable) status/i.test(error.message)) throw error;
  }
  await call(
    `GitHub merge ${name}`,
    () => client.rest.pulls.merge({ ...repo, pull_number: number, sha: headSha }),
    // 409: the head moved since gantry wrote it; the caller re-plans.
    (status) => status === 409,
  );
  return 'merged';
}
