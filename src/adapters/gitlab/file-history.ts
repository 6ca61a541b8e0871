import { NotFoundError } from '../../core/errors.ts';
import type { FileRevision } from '../../ports/forge.ts';
import type { GitLabApi, GraphqlCall } from './client.ts';
import { call } from './errors.ts';

/** GitLab pages commits by at most 100. */
export const MAX_HISTORY = 100;
/** Revisions read per GraphQL query: one aliased `blobs` field each keeps the query's complexity low. */
export const REVISIONS_PER_QUERY = 25;

/** One path at many commits: one aliased `blobs(paths:, ref:)` field per commit. */
export function revisionsQuery(count: number): string {
  const vars = Array.from({ length: count }, (_, i) => `, $r${i}: String!`).join('');
  const fields = Array.from(
    { length: count },
    (_, i) => `      r${i}: blobs(paths: $paths, ref: $r${i}, first: 1) { nodes { path rawTextBlob } }\n`,
  ).join('');
  return `query GantryRevisions($project: ID!, $paths: [String!]!${vars}) {
  project(fullPath: $project) {
    repository {
${fields}    }
  }
}`;
}

interface RevisionsData {
  project: {
    repository: Record<string, { nodes: { path: string; rawTextBlob: string | null }[] } | null>;
  } | null;
}

/**
 * The commits API filtered by path (one page, newest first), then the file at every listed
 * commit in one GraphQL query per 25 commits; a binary revision GraphQL withholds is read raw.
 */
export async function fileHistory(
  api: GitLabApi,
  graphql: GraphqlCall,
  project: string,
  path: string,
  ref: string,
  limit: number,
  raw: (path: string, sha: string) => Promise<string>,
): Promise<FileRevision[]> {
  const perPage = Math.max(1, Math.min(MAX_HISTORY, Math.floor(limit)));
  const what = `GitLab history of ${path} in ${project}@${ref}`;
  const commits = (await call(what, () =>
    api.Commits.all(project, { refName: ref, path, perPage, page: 1 }),
  )) as unknown as { id: string; title: string }[];
  const out: FileRevision[] = [];
  for (let start = 0; start < commits.length; start += REVISIONS_PER_QUERY) {
    const chunk = commits.slice(start, start + REVISIONS_PER_QUERY);
    const variables: Record<string, unknown> = { project, paths: [path] };
    chunk.forEach((commit, i) => {
      variables[`r${i}`] = commit.id;
    });
    const data = await graphql<RevisionsData>(what, revisionsQuery(chunk.length), variables);
    if (!data.project?.repository)
      throw new NotFoundError(`${what}: no such project, or no access to its repository`);
    for (const [i, commit] of chunk.entries()) {
      const node = data.project.repository[`r${i}`]?.nodes.find((n) => n.path === path);
      const content = node ? (node.rawTextBlob ?? (await raw(path, commit.id))) : null;
      out.push({ sha: commit.id, subject: commit.title, content });
    }
  }
  return out;
}
