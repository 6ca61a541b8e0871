import { expect } from 'vitest';
import { GitHubForge } from '../../src/adapters/github/github-forge.ts';
import { FakeGitHub } from './fake-github.ts';
import type { RecordedRequest } from './fake-http.ts';
import { checkGitHubRequest } from './github-openapi.ts';

export const REPO = 'shop/gitops';

export function githubWorld(files: Record<string, string>) {
  const fake = new FakeGitHub(files);
  const forge = new GitHubForge(fake.client());
  return { fake, forge };
}

/** Every request reached a route and matches GitHub's REST description. */
export function expectWellFormed(fake: FakeGitHub): void {
  expect(
    fake.http.unmatched.map((r) => `${r.method} ${r.path}: ${JSON.stringify(r.body)?.slice(0, 300)}`),
  ).toEqual([]);
  expect(fake.http.requests.flatMap(checkGitHubRequest)).toEqual([]);
}

/** What was sent, for snapshots: GraphQL bodies by operation name and variables. */
export function sent(requests: readonly RecordedRequest[]) {
  return requests.map((r) => {
    const body = r.body as { query?: string; variables?: unknown } | undefined;
    const graphql = r.path === '/graphql' && body?.query;
    return {
      method: r.method,
      path: r.path,
      ...(Object.keys(r.query).length ? { query: r.query } : {}),
      ...(graphql
        ? { operation: /(query|mutation) (\w+)/.exec(body.query!)?.[2], variables: body.variables }
        : r.body === undefined
          ? {}
          : { body: r.body }),
    };
  });
}
