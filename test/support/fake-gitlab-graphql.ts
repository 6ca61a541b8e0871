import type { FakeGitLab } from './fake-gitlab.ts';
import type { FakeResponse, RecordedRequest } from './fake-http.ts';
import { gitlabSchemaErrors } from './gitlab-api.ts';

/**
 * GitLab's GraphQL endpoint for `GantryBlobs`: every query is validated against the
 * transcribed schema; `blobs` answers only paths that are files at the ref, as GitLab does.
 */
export function answerGitLabGraphql(fake: FakeGitLab, request: RecordedRequest): FakeResponse {
  if (!fake.tokens.has(String(request.headers.authorization).replace(/^Bearer /, '')))
    return { status: 401, body: { message: '401 Unauthorized' } };
  const { query, variables } = request.body as { query: string; variables: Record<string, unknown> };
  const invalid = gitlabSchemaErrors(query);
  if (invalid.length)
    return { status: 598, body: { errors: invalid.map((message) => ({ message: `schema: ${message}` })) } };
  if (variables.project !== fake.project) return { body: { data: { project: null } } };
  if (/\bquery GantryRevisions\b/.test(query)) return revisions(fake, variables);
  const sha = fake.git.resolve(String(variables.ref));
  const files = sha ? fake.git.filesAt(sha) : new Map();
  const withText = /\brawTextBlob\b/.test(query);
  const repository: Record<string, unknown> = {};
  for (const [name, paths] of Object.entries(variables)) {
    const alias = /^p(\d+)$/.exec(name);
    if (!alias) continue;
    const nodes = (paths as string[])
      .filter((path) => files.has(path))
      .map((path) => ({
        path,
        ...(withText
          ? { rawTextBlob: fake.binary.has(path) || fake.legacy.has(path) ? null : files.get(path)!.content }
          : {}),
      }));
    repository[`b${alias[1]}`] = { nodes };
  }
  return { body: { data: { project: { repository } } } };
}

/** `GantryRevisions`: the same paths at one ref per aliased field (`r0`, `r1`, …). */
function revisions(fake: FakeGitLab, variables: Record<string, unknown>): FakeResponse {
  const repository: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(variables)) {
    const alias = /^r(\d+)$/.exec(name);
    if (!alias) continue;
    const sha = fake.git.resolve(String(ref));
    const files = sha ? fake.git.filesAt(sha) : new Map();
    const nodes = (variables.paths as string[])
      .filter((path) => files.has(path))
      .map((path) => ({
        path,
        rawTextBlob: fake.binary.has(path) || fake.legacy.has(path) ? null : files.get(path)!.content,
      }));
    repository[name] = { nodes };
  }
  return { body: { data: { project: { repository } } } };
}
