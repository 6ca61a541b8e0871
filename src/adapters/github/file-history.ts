import { NotFoundError } from '../../core/errors.ts';
import type { FileRevision } from '../../ports/forge.ts';
import { call } from './errors.ts';
import type { GitHubClient } from './octokit.ts';
import { type BlobNode, blobText } from './read-files.ts';
import type { RepoRef } from './repo.ts';

/** GitHub's `history(first:)` takes at most 100 commits per page. */
export const MAX_HISTORY = 100;

/**
 * The commits that changed a path and the file at each, in one query: `Commit.history(path:)`
 * walks the history from the ref (peeling an annotated tag) and every node reads the file at
 * itself. The path is a variable, never query text.
 */
export const HISTORY_QUERY = `query GantryHistory($owner: String!, $name: String!, $rev: String!, $path: String!, $first: Int!) {
  repository(owner: $owner, name: $name) {
    object(expression: $rev) { __typename ...GantryHistoryCommit ... on Tag { target { __typename ...GantryHistoryCommit } } }
  }
}
fragment GantryHistoryCommit on Commit {
  history(path: $path, first: $first) {
    nodes { oid messageHeadline file(path: $path) { object { __typename ... on Blob { oid text isTruncated } } } }
  }
}`;

interface HistoryNode {
  oid: string;
  messageHeadline: string;
  file: { object: BlobNode | null } | null;
}

interface CommitHistory {
  __typename: string;
  history?: { nodes: HistoryNode[] };
  target?: CommitHistory;
}

interface HistoryData {
  repository: { object: CommitHistory | null } | null;
}

/** One GraphQL query (plus one blob read per revision GitHub truncates). */
export async function fileHistory(
  client: GitHubClient,
  repo: RepoRef,
  path: string,
  ref: string,
  limit: number,
): Promise<FileRevision[]> {
  const first = Math.max(1, Math.min(MAX_HISTORY, Math.floor(limit)));
  const what = `GitHub history of ${path} in ${repo.owner}/${repo.repo}@${ref}`;
  const data = await call(what, () =>
    client.graphql<HistoryData>(HISTORY_QUERY, { owner: repo.owner, name: repo.repo, rev: ref, path, first }),
  );
  if (!data.repository) throw new NotFoundError(`${what}: no such repository`);
  const object = data.repository.object;
  const commit = object?.__typename === 'Commit' ? object : object?.target;
  if (commit?.__typename !== 'Commit' || !commit.history)
    throw new NotFoundError(`${what}: the ref does not name a commit`);
  const out: FileRevision[] = [];
  for (const node of commit.history.nodes) {
    const content = node.file ? await blobText(client, repo, node.file.object, what, path) : null;
    out.push({ sha: node.oid, subject: node.messageHeadline, content });
  }
  return out;
}
