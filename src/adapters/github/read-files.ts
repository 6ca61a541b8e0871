import { NotFoundError } from '../../core/errors.ts';
import { forgeText } from '../shared/forge-text.ts';
import { call } from './errors.ts';
import type { GitHubClient } from './octokit.ts';
import { octalMode, type RepoRef } from './repo.ts';

/** Paths per GraphQL query: 100 aliased `file` fields stay far below GitHub's node and size limits. */
export const PATHS_PER_QUERY = 100;

export interface FileAtCommit {
  /** Octal git mode (`100644`). */
  mode: string;
  /** Content, or null when the entry is not a file (a directory, a submodule). */
  text: string | null;
}

export interface CommitFiles {
  repositoryId: string;
  /** The commit the files were read at. */
  sha: string;
  tree: string;
  files: Map<string, FileAtCommit | null>;
}

export interface BlobNode {
  __typename: string;
  oid?: string;
  text?: string | null;
  isTruncated?: boolean;
}

interface FileNode {
  mode: number;
  object?: BlobNode | null;
}

type CommitNode = { __typename: 'Commit'; oid: string; tree: { oid: string } } & Record<string, unknown>;

interface FilesData {
  repository: {
    id: string;
    object: (CommitNode | { __typename: string; target?: CommitNode | { __typename: string } }) | null;
  } | null;
}

/**
 * One query for many files at one commit. The ref is resolved once (`object(expression:)`,
 * peeling an annotated tag) and every file is read from that same commit object through
 * `Commit.file(path:)`, so the snapshot is consistent even while the branch moves. Paths are
 * variables, never query text.
 */
export function filesQuery(count: number, withText: boolean): string {
  const vars = Array.from({ length: count }, (_, i) => `, $p${i}: String!`).join('');
  const blob = withText ? ' object { __typename ... on Blob { oid text isTruncated } }' : '';
  const fields = Array.from(
    { length: count },
    (_, i) => `    f${i}: file(path: $p${i}) { mode${blob} }\n`,
  ).join('');
  return `query GantryFiles($owner: String!, $name: String!, $rev: String!${vars}) {
  repository(owner: $owner, name: $name) {
    id
    object(expression: $rev) { __typename ...GantryCommitFiles ... on Tag { target { __typename ...GantryCommitFiles } } }
  }
}
fragment GantryCommitFiles on Commit {
  oid
  tree { oid }
${fields}}`;
}

/** Reads `paths` at `rev` in ⌈paths / 100⌉ GraphQL queries (plus one blob read per file GitHub truncates). */
export async function readCommitFiles(
  client: GitHubClient,
  repo: RepoRef,
  rev: string,
  paths: readonly string[],
  withText: boolean,
): Promise<CommitFiles> {
  const unique = [...new Set(paths)];
  const what = `GitHub read ${repo.owner}/${repo.repo}@${rev}`;
  let result: CommitFiles | undefined;
  for (let start = 0; start === 0 || start < unique.length; start += PATHS_PER_QUERY) {
    const chunk = unique.slice(start, start + PATHS_PER_QUERY);
    const variables: Record<string, string> = { owner: repo.owner, name: repo.repo, rev: result?.sha ?? rev };
    chunk.forEach((path, i) => {
      variables[`p${i}`] = path;
    });
    const data = await call(what, () =>
      client.graphql<FilesData>(filesQuery(chunk.length, withText), variables),
    );
    const commit = commitOf(data, what);
    result ??= {
      repositoryId: data.repository!.id,
      sha: commit.oid,
      tree: commit.tree.oid,
      files: new Map(),
    };
    for (const [i, path] of chunk.entries()) {
      result.files.set(
        path,
        await fileOf(client, repo, commit[`f${i}`] as FileNode | null, withText, what, path),
      );
    }
  }
  return result!;
}

function commitOf(data: FilesData, what: string): CommitNode {
  if (!data.repository) throw new NotFoundError(`${what}: no such repository`);
  const object = data.repository.object;
  if (object?.__typename === 'Commit') return object as CommitNode;
  const target = (object as { target?: { __typename: string } } | null)?.target;
  if (target?.__typename === 'Commit') return target as CommitNode;
  throw new NotFoundError(`${what}: the ref does not name a commit`);
}

async function fileOf(
  client: GitHubClient,
  repo: RepoRef,
  node: FileNode | null,
  withText: boolean,
  what: string,
  path: string,
): Promise<FileAtCommit | null> {
  if (!node) return null;
  const mode = octalMode(node.mode)!;
  if (!withText) return { mode, text: null };
  return { mode, text: await blobText(client, repo, node.object, what, path) };
}

/**
 * A blob's text from GraphQL, or from the blob API when GraphQL truncated or withheld it (its
 * bytes checked as the CLI checks a file: UTF-8, 1 MiB); null for a non-blob.
 */
export async function blobText(
  client: GitHubClient,
  repo: RepoRef,
  blob: BlobNode | null | undefined,
  what: string,
  path: string,
): Promise<string | null> {
  if (blob?.__typename !== 'Blob') return null;
  if (typeof blob.text === 'string' && !blob.isTruncated) return blob.text;
  // GraphQL truncates large blobs and withholds binary ones; the blob API returns all bytes.
  const { data } = await call(`${what}: blob ${blob.oid}`, () =>
    client.rest.git.getBlob({ owner: repo.owner, repo: repo.repo, file_sha: blob.oid! }),
  );
  return forgeText(path, Buffer.from(data.content, 'base64'));
}
