import { describe, expect, it } from 'vitest';
import type { BotDeps } from '../../src/app/deps.ts';
import { noLog } from '../../src/app/deps.ts';
import { KeyedLock } from '../../src/app/keyed-lock.ts';
import { onChangeRequest } from '../../src/app/on-change-request.ts';
import { ONBOARDING_BRANCH, onOnboarding } from '../../src/app/on-onboarding.ts';
import { fixedClock } from '../../src/ports/clock.ts';
import { MemoryForge } from '../support/memory-forge.ts';

function world(kind: 'github' | 'gitlab', files: Record<string, string>) {
  const forge = new MemoryForge(kind);
  const sha = forge.seed('shop/web', files);
  const deps: BotDeps = {
    forge,
    forgeFor: async () => forge,
    clock: fixedClock(new Date('2026-11-25T12:00:00Z')),
    log: noLog,
    lock: new KeyedLock(),
    build: { version: '1.0.0' },
  };
  return { forge, deps, sha };
}

const push = (sha: string, changed: string[]) => ({ repo: 'shop/web', branch: 'main', sha, changed });

describe.each(['github', 'gitlab'] as const)('onboarding on %s', (kind) => {
  const ciFile = kind === 'github' ? '.github/workflows/gantry-build.yml' : '.gitlab-ci.yml';

  it('opens one onboarding PR when a pushed Dockerfile is not built, and updates it in place', async () => {
    const { forge, deps, sha } = world(kind, { Dockerfile: 'FROM scratch\n', 'README.md': '# web\n' });
    expect(await onOnboarding(deps, push(sha, ['Dockerfile']))).toEqual({
      action: 'created',
      pullRequests: [1],
    });
    expect(forge.pullRequests[0]).toMatchObject({ head: ONBOARDING_BRANCH, base: 'main' });
    expect(forge.filesAt('shop/web', ONBOARDING_BRANCH).get(ciFile)).toContain('gantry');
    // The same push again: nothing written.
    const writes = forge.writes().length;
    expect(await onOnboarding(deps, push(sha, ['Dockerfile']))).toEqual({
      action: 'unchanged',
      pullRequests: [1],
    });
    expect(forge.writes()).toHaveLength(writes);
    // A second image: the same PR, updated.
    const repo = forge.repos.get('shop/web')!;
    const next = await forge.commit('shop/web', {
      branch: 'main',
      parent: sha,
      expectedHead: sha,
      message: 'api',
      changes: [{ path: 'services/api/Dockerfile', content: 'FROM scratch\n' }],
    });
    expect(repo.branches.get('main')).toBe(next.sha);
    expect(await onOnboarding(deps, push(next.sha, ['services/api/Dockerfile']))).toEqual({
      action: 'updated',
      pullRequests: [1],
    });
    expect(forge.pullRequests).toHaveLength(1);
    expect(forge.pullRequests[0]!.body).toContain('services/api/Dockerfile');
  });

  it('does nothing for pushes that touch no build file, repositories without images, or after an opt-out', async () => {
    const { forge, deps, sha } = world(kind, { Dockerfile: 'FROM scratch\n' });
    expect((await onOnboarding(deps, push(sha, ['README.md']))).action).toBe('ignored');
    const empty = world(kind, { 'README.md': 'x' });
    expect(await onOnboarding(empty.deps, push(empty.sha, ['.gantry.yml']))).toMatchObject({
      action: 'ignored',
      detail: expect.stringMatching(/no Dockerfile or Containerfile found/),
    });
    await onOnboarding(deps, push(sha, ['Dockerfile']));
    forge.pullRequests[0]!.state = 'closed';
    const declined = await onOnboarding(deps, push(sha, ['Dockerfile']));
    expect(declined).toMatchObject({
      action: 'ignored',
      detail: expect.stringMatching(/^opted out: .* was closed without merging$/),
    });
    expect(forge.pullRequests).toHaveLength(1);
  });
});

describe('Dockerfiles added in a PR', () => {
  async function onboarded() {
    const w = world('gitlab', { Dockerfile: 'FROM scratch\n' });
    await onOnboarding(w.deps, push(w.sha, ['Dockerfile']));
    const merged = w.forge.merge('shop/web', 1);
    const base = w.forge.repos.get('shop/web')!.branches.get('main')!;
    // A contributor adds a second image on a branch.
    const branch = await w.forge.commit('shop/web', {
      branch: 'feature/api',
      parent: base,
      expectedHead: null,
      message: 'api',
      changes: [{ path: 'api/Dockerfile', content: 'FROM scratch\n' }],
    });
    return { ...w, merged, headSha: branch.sha };
  }

  it('commits the CI change to a same-repository branch and says so once', async () => {
    const { forge, deps, headSha } = await onboarded();
    const event = { repo: 'shop/web', number: 2, head: 'feature/api', headSha, fromFork: false };
    expect(await onChangeRequest(deps, event)).toEqual({ action: 'committed', pullRequests: [2] });
    expect(forge.filesAt('shop/web', 'feature/api').get('.gitlab-ci.yml')).toContain('api/Dockerfile');
    // The push that commit causes comes back as an event: now up to date.
    const head = forge.repos.get('shop/web')!.branches.get('feature/api')!;
    expect((await onChangeRequest(deps, { ...event, headSha: head })).action).toBe('ignored');
    expect(forge.comments.filter((c) => c.pullRequest === 2)).toHaveLength(1);
  });

  it('suggests the change in a comment on a fork, without pushing', async () => {
    const { forge, deps, headSha } = await onboarded();
    const before = forge.repos.get('shop/web')!.branches.get('feature/api');
    const outcome = await onChangeRequest(deps, {
      repo: 'shop/web',
      number: 2,
      head: 'feature/api',
      headSha,
      fromFork: true,
    });
    expect(outcome.action).toBe('suggested');
    expect(forge.repos.get('shop/web')!.branches.get('feature/api')).toBe(before);
    expect(forge.comments.at(-1)!.body).toContain('```yaml');
  });

  it('leaves repositories that do not build with gantry to the onboarding', async () => {
    const { deps, sha } = world('gitlab', { Dockerfile: 'FROM scratch\n' });
    const outcome = await onChangeRequest(deps, {
      repo: 'shop/web',
      number: 3,
      head: 'x',
      headSha: sha,
      fromFork: false,
    });
    expect(outcome).toMatchObject({
      action: 'ignored',
      detail: expect.stringMatching(/does not build with gantry yet/),
    });
  });
});
