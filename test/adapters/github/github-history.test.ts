import { afterEach, describe, expect, it } from 'vitest';
import { HISTORY_QUERY } from '../../../src/adapters/github/file-history.ts';
import { NotFoundError } from '../../../src/core/errors.ts';
import type { FakeGitHub } from '../../support/fake-github.ts';
import { schemaErrors } from '../../support/fake-github-graphql.ts';
import { expectWellFormed, githubWorld, REPO } from '../../support/github-harness.ts';

const VALUES = 'apps/web/envs/prod/values.yaml';

let current: FakeGitHub | undefined;
afterEach(() => {
  if (current) expectWellFormed(current);
  current = undefined;
});

/** main: initial (1.0.0) → README only → 1.1.0 (#7) → 1.2.0 (#9) */
function world() {
  const w = githubWorld({ [VALUES]: 'image:\n  tag: "1.0.0"\n', 'README.md': '# gitops\n' });
  current = w.fake;
  const git = w.fake.git;
  git.push('main', { 'README.md': '# gitops!\n' }, 'Docs');
  git.push(
    'main',
    { [VALUES]: 'image:\n  tag: "1.1.0"\n' },
    'Promote web to prod: 1.0.0 → 1.1.0 (#7)\n\nbody',
  );
  git.push('main', { [VALUES]: 'image:\n  tag: "1.2.0"\n' }, 'Promote web to prod: 1.1.0 → 1.2.0 (#9)');
  return w;
}

describe('GitHubForge fileHistory', () => {
  it('sends a query that fits GitHub’s published schema', () => {
    expect(schemaErrors(HISTORY_QUERY)).toEqual([]);
  });

  it('lists the commits that changed the file, newest first, with its content at each, in one request', async () => {
    const { fake, forge } = world();
    const history = await forge.fileHistory(REPO, VALUES, 'main', 10);
    expect(history.map((r) => [r.subject, r.content])).toEqual([
      ['Promote web to prod: 1.1.0 → 1.2.0 (#9)', 'image:\n  tag: "1.2.0"\n'],
      ['Promote web to prod: 1.0.0 → 1.1.0 (#7)', 'image:\n  tag: "1.1.0"\n'],
      ['initial', 'image:\n  tag: "1.0.0"\n'],
    ]);
    expect(history[0]!.sha).toBe(fake.git.branches.get('main'));
    expect(fake.http.calls()).toEqual(['POST /graphql']);
    const { variables } = fake.http.requests[0]!.body as { variables: Record<string, unknown> };
    expect(variables).toEqual({ owner: 'shop', name: 'gitops', rev: 'main', path: VALUES, first: 10 });
  });

  it('stops at the limit, asks for at most 100, and reports a deletion as null content', async () => {
    const { fake, forge } = world();
    fake.git.push('main', { [VALUES]: null }, 'Remove web from prod');
    const history = await forge.fileHistory(REPO, VALUES, 'main', 2);
    expect(history.map((r) => r.content)).toEqual([null, 'image:\n  tag: "1.2.0"\n']);
    await forge.fileHistory(REPO, VALUES, 'main', 5000);
    expect((fake.http.requests.at(-1)!.body as { variables: { first: number } }).variables.first).toBe(100);
  });

  it('reads a revision GraphQL withholds through the blob API', async () => {
    const { fake, forge } = world();
    fake.withheld.add(VALUES);
    const history = await forge.fileHistory(REPO, VALUES, 'main', 1);
    expect(history[0]!.content).toBe('image:\n  tag: "1.2.0"\n');
    expect(fake.http.calls()).toEqual(['POST /graphql', expect.stringMatching(/^GET .*\/git\/blobs\//)]);
  });

  it('says NotFoundError for an unknown ref or repository, and [] for a path never touched', async () => {
    const { forge } = world();
    await expect(forge.fileHistory(REPO, VALUES, 'nope', 5)).rejects.toBeInstanceOf(NotFoundError);
    await expect(forge.fileHistory('shop/other', VALUES, 'main', 5)).rejects.toBeInstanceOf(NotFoundError);
    expect(await forge.fileHistory(REPO, 'missing.yaml', 'main', 5)).toEqual([]);
  });
});

describe('GitHubForge reactions on review comments', () => {
  it('reacts to a review comment (a line of the diff) through its own endpoint', async () => {
    const { fake, forge } = world();
    fake.reviewComments.push({ id: 77, issue: 3, body: '/gantry status', author: 'alice', reactions: [] });
    await forge.addReaction(REPO, { kind: 'comment', id: 77, pullRequest: 3, review: true }, 'eyes');
    expect(fake.reviewComments[0]!.reactions).toEqual(['eyes']);
    expect(fake.http.calls()).toEqual(['POST /repos/shop/gitops/pulls/comments/77/reactions']);
  });
});
