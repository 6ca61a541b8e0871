import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, ForgeError } from '../../../src/core/errors.ts';
import type { FakeGitHub } from '../../support/fake-github.ts';
import { expectWellFormed, githubWorld, REPO, sent } from '../../support/github-harness.ts';

let current: FakeGitHub | undefined;
afterEach(() => {
  if (current) expectWellFormed(current);
  current = undefined;
});

function world(checksPending: boolean) {
  const w = githubWorld({ 'README.md': '# gitops\n' });
  current = w.fake;
  w.fake.git.branches.set('gantry/dev/web', w.fake.git.branches.get('main')!);
  const head = w.fake.git.push('gantry/dev/web', { 'dev.yml': 'tag: 1.1.0\n' }, 'Promote web');
  w.fake.pulls.push({
    number: 7,
    title: 'Promote web to dev',
    body: '',
    head: 'gantry/dev/web',
    base: 'main',
    state: 'open',
    merged: false,
    author: 'gantry[bot]',
    fork: false,
    labels: [],
    checksPending,
  });
  return { ...w, head };
}

describe('GitHubForge auto-merge', () => {
  it('enables auto-merge pinned to the head gantry wrote while required checks run', async () => {
    const { fake, forge, head } = world(true);
    expect(await forge.enableAutoMerge(REPO, 7, head)).toBe('scheduled');
    expect(fake.pulls[0]).toMatchObject({ autoMerge: true, merged: false });
    expect(sent(fake.http.requests)).toEqual([
      { method: 'GET', path: '/repos/shop/gitops/pulls/7' },
      {
        method: 'POST',
        path: '/graphql',
        operation: 'GantryAutoMerge',
        variables: { id: 'PR_kw7', sha: head },
      },
    ]);
  });

  it('merges at once, pinned to the same head, when GitHub says there is nothing to wait for', async () => {
    const { fake, forge, head } = world(false);
    expect(await forge.enableAutoMerge(REPO, 7, head)).toBe('merged');
    expect(fake.pulls[0]).toMatchObject({ merged: true, state: 'closed' });
    expect(fake.git.filesAt(fake.git.branches.get('main')!).get('dev.yml')?.content).toBe('tag: 1.1.0\n');
    expect(fake.http.requests.at(-1)).toMatchObject({
      method: 'PUT',
      path: '/repos/shop/gitops/pulls/7/merge',
      body: { sha: head },
    });
  });

  it('does not merge a head it did not write, and says when the repository forbids auto-merge', async () => {
    const moved = world(false);
    await expect(moved.forge.enableAutoMerge(REPO, 7, 'f'.repeat(40))).rejects.toThrow(ConflictError);
    expect(moved.fake.pulls[0]!.merged).toBe(false);
    expectWellFormed(moved.fake);
    const off = world(true);
    off.fake.allowAutoMerge = false;
    const error = await off.forge.enableAutoMerge(REPO, 7, off.head).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as Error).message).toContain('Auto merge is not allowed for this repository');
  });
});
