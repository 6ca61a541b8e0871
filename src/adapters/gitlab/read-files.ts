import { NotFoundError } from '../../core/errors.ts';
import type { GraphqlCall } from './client.ts';

/**
 * `Repository.blobs` is a connection whose complexity is (paths + children) × (1 + first/100);
 * four aliased fields of 25 paths each, each with `first: 25`, keep a 100-path query near 160,
 * under GitLab's limit of 200 (250 when authenticated). More paths take more queries.
 */
export const PATHS_PER_FIELD = 25;
export const FIELDS_PER_QUERY = 4;
export const PATHS_PER_QUERY = PATHS_PER_FIELD * FIELDS_PER_QUERY;

export const isFullSha = (ref: string) => /^[0-9a-f]{40}$/i.test(ref) || /^[0-9a-f]{64}$/i.test(ref);

/** Blobs at one commit; `withText` false asks only which paths exist (before building commit actions). */
export function blobsQuery(fieldCount: number, withText: boolean): string {
  const vars = Array.from({ length: fieldCount }, (_, i) => `, $p${i}: [String!]!`).join('');
  const node = withText ? 'path rawTextBlob' : 'path';
  const fields = Array.from(
    { length: fieldCount },
    (_, i) =>
      `      b${i}: blobs(paths: $p${i}, ref: $ref, first: ${PATHS_PER_FIELD}) { nodes { ${node} } }\n`,
  ).join('');
  return `query GantryBlobs($project: ID!, $ref: String!${vars}) {
  project(fullPath: $project) {
    repository {
${fields}    }
  }
}`;
}

interface BlobsData {
  project: {
    repository: Record<string, { nodes: { path: string; rawTextBlob?: string | null }[] } | null>;
  } | null;
}

/**
 * Path → `{ text }` for a file at the commit (text null when not asked for, or when GitLab
 * withholds a binary blob's text), or null when there is no file at that path. `sha` must be a
 * full commit sha: the blobs field takes any ref, but only a sha pins every chunk to one commit.
 */
export async function readBlobs(
  graphql: GraphqlCall,
  project: string,
  sha: string,
  paths: readonly string[],
  withText: boolean,
): Promise<Map<string, { text: string | null } | null>> {
  const unique = [...new Set(paths)];
  const found = new Map<string, { text: string | null }>();
  for (let start = 0; start < unique.length; start += PATHS_PER_QUERY) {
    const chunk = unique.slice(start, start + PATHS_PER_QUERY);
    const variables: Record<string, unknown> = { project, ref: sha };
    let fields = 0;
    for (let i = 0; i < chunk.length; i += PATHS_PER_FIELD) {
      variables[`p${fields}`] = chunk.slice(i, i + PATHS_PER_FIELD);
      fields += 1;
    }
    const what = `GitLab read ${project}@${sha.slice(0, 12)}`;
    const data = await graphql<BlobsData>(what, blobsQuery(fields, withText), variables);
    if (!data.project?.repository)
      throw new NotFoundError(`${what}: no such project, or no access to its repository`);
    for (const connection of Object.values(data.project.repository)) {
      for (const node of connection?.nodes ?? []) found.set(node.path, { text: node.rawTextBlob ?? null });
    }
  }
  return new Map(unique.map((path) => [path, found.get(path) ?? null]));
}
