import { ConflictError } from '../../core/errors.ts';
import type { CommitRequest } from '../../ports/forge.ts';
import { call, callOrNull, toGantryError } from './errors.ts';
import type { GitHubClient } from './octokit.ts';
import type { RepoRef } from './repo.ts';

/** What a commit needs to know about its parent: read once by `readFiles` and remembered. */
export interface ParentFacts {
  repositoryId: string;
  /** The parent commit, resolved to a full sha. */
  sha: string;
  tree: string;
  /** Octal mode of each path at the parent, null when absent. */
  modes: Map<string, string | null>;
}

type BlobMode = '100644' | '100755' | '120000';

type TreeEntry =
  | { path: string; mode: BlobMode; type: 'blob'; content: string }
  | { path: string; mode: BlobMode; type: 'blob'; sha: null };

const isBlobMode = (mode: string): mode is BlobMode =>
  mode === '100644' || mode === '100755' || mode === '120000';

/** The tree entries of a change set: inline contents, deletions only for paths that exist. */
export function treeEntries(request: CommitRequest, modes: Map<string, string | null>): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const change of request.changes) {
    const mode = modes.get(change.path) ?? null;
    if (change.content === null) {
      // GitHub refuses to delete a path that does not exist; deleting nothing is no change.
      if (mode !== null)
        entries.push({
          path: change.path,
          mode: isBlobMode(mode) ? mode : '100644',
          type: 'blob',
          sha: null,
        });
      continue;
    }
    // Keep an executable bit; anything else that was there (or nothing) becomes a regular file.
    entries.push({
      path: change.path,
      mode: mode === '100755' ? '100755' : '100644',
      type: 'blob',
      content: change.content,
    });
  }
  return entries;
}

/**
 * Moves `refs/heads/<branch>` from `expected` to `sha` atomically.
 *
 * A promotion branch is rebuilt on its base each time, so the move is usually not a
 * fast-forward. REST `PATCH /git/refs` can only refuse non-fast-forwards (`force: false`) or
 * accept anything (`force: true`); a head check followed by a forced PATCH leaves a window in
 * which a concurrent writer's commit is silently overwritten. GraphQL `updateRefs` takes a
 * `beforeOid` and applies the update only if the ref still points there — a real
 * compare-and-swap on the server — so that is what moves an existing branch. Creating a
 * branch uses REST `createRef`, which itself fails with 422 when the ref exists.
 *
 * Either call may have succeeded even when it reports failure (a retried request after a
 * lost response), so a failure is classified by reading the ref once: at `sha` → done;
 * elsewhere → ConflictError (the caller re-plans); still at `expected` → a real error.
 */
export async function moveBranch(
  client: GitHubClient,
  repo: RepoRef,
  repositoryId: string,
  branch: string,
  expected: string | null,
  sha: string,
): Promise<void> {
  const ref = `refs/heads/${branch}`;
  const what = `GitHub move ${repo.owner}/${repo.repo} ${ref}`;
  try {
    if (expected === null) {
      await client.rest.git.createRef({ owner: repo.owner, repo: repo.repo, ref, sha });
    } else {
      await client.graphql(UPDATE_REFS, { repositoryId, name: ref, before: expected, after: sha });
    }
  } catch (error) {
    const failure = toGantryError(error, what);
    let head: string | null;
    try {
      head = await branchHead(client, repo, branch);
    } catch {
      throw failure;
    }
    if (head === sha) return;
    if (head !== expected) {
      throw new ConflictError(
        expected === null
          ? `branch "${branch}" already exists in ${repo.owner}/${repo.repo}`
          : `branch "${branch}" moved in ${repo.owner}/${repo.repo}: it is at ${head?.slice(0, 12) ?? 'nothing'}, not ${expected.slice(0, 12)}`,
        { cause: failure },
      );
    }
    throw failure;
  }
}

const UPDATE_REFS = `mutation GantryMoveRef($repositoryId: ID!, $name: GitRefname!, $before: GitObjectID!, $after: GitObjectID!) {
  updateRefs(input: { repositoryId: $repositoryId, refUpdates: [{ name: $name, beforeOid: $before, afterOid: $after, force: true }] }) {
    clientMutationId
  }
}`;

export async function branchHead(
  client: GitHubClient,
  repo: RepoRef,
  branch: string,
): Promise<string | null> {
  const found = await callOrNull(`GitHub branch ${repo.owner}/${repo.repo} ${branch}`, () =>
    client.rest.git.getRef({ owner: repo.owner, repo: repo.repo, ref: `heads/${branch}` }),
  );
  return found ? found.data.object.sha : null;
}

/** createTree (skipped when nothing changes) → createCommit; returns the new commit. */
export async function writeCommit(
  client: GitHubClient,
  repo: RepoRef,
  request: CommitRequest,
  parent: ParentFacts,
): Promise<string> {
  const what = `GitHub commit ${repo.owner}/${repo.repo} ${request.branch}`;
  const entries = treeEntries(request, parent.modes);
  let tree = parent.tree;
  if (entries.length > 0) {
    const created = await call(`${what}: tree`, () =>
      client.rest.git.createTree({
        owner: repo.owner,
        repo: repo.repo,
        base_tree: parent.tree,
        tree: entries,
      }),
    );
    tree = created.data.sha;
  }
  const commit = await call(`${what}: commit`, () =>
    client.rest.git.createCommit({
      owner: repo.owner,
      repo: repo.repo,
      message: request.message,
      tree,
      parents: [parent.sha],
      ...(request.author ? { author: request.author } : {}),
    }),
  );
  return commit.data.sha;
}
