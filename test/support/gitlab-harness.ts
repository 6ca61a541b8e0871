import { expect } from 'vitest';
import { FakeGitLab } from './fake-gitlab.ts';
import { checkGitLabRequest } from './gitlab-api.ts';

export const PROJECT = 'shop/platform/gitops';

export function gitlabWorld(files: Record<string, string>, root = '') {
  const fake = new FakeGitLab(files, root);
  return { fake, forge: fake.forge() };
}

/** Every request reached a route and uses only documented GitLab parameters. */
export function expectGitLabWellFormed(fake: FakeGitLab): void {
  expect(
    fake.http.unmatched.map((r) => `${r.method} ${r.path}: ${JSON.stringify(r.body)?.slice(0, 300)}`),
  ).toEqual([]);
  expect(fake.http.requests.flatMap((r) => checkGitLabRequest(r, fake.root))).toEqual([]);
}
