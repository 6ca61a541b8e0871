import { describe, expect, it } from 'vitest';
import type { BotDeps } from '../../src/app/deps.ts';
import { noLog } from '../../src/app/deps.ts';
import { KeyedLock } from '../../src/app/keyed-lock.ts';
import { onMerged } from '../../src/app/on-merged.ts';
import { onRelease } from '../../src/app/on-release.ts';
import { parsePromotionBody } from '../../src/core/promote/pr-body.ts';
import { fixedClock } from '../../src/ports/clock.ts';
import { APP_REPO_CONFIG, exampleGitops } from '../support/gitops-fixture.ts';
import { MemoryForge } from '../support/memory-forge.ts';

function setup() {
  const forge = new MemoryForge();
  forge.seed('shop/gitops', exampleGitops());
  forge.seed('shop/web', { '.gantry.yml': APP_REPO_CONFIG, Dockerfile: 'FROM scratch\n' });
  const deps = (lock = new KeyedLock()): BotDeps => ({
    forge,
    forgeFor: async () => forge,
    clock: fixedClock(new Date('2026-11-25T12:00:00Z')),
    log: noLog,
    lock,
  });
  const tag = (name: string) => ({
    repo: 'shop/web',
    tag: name,
    sha: forge.repos.get('shop/web')!.branches.get('main')!,
    trigger: 'tag' as const,
  });
  return { forge, deps, tag };
}

const versions = Array.from({ length: 12 }, (_, i) => `v5.0.${i + 1}`);

describe('newest wins: release deliveries out of order', () => {
  it('keeps the newest release in the open PR when tags arrive newest first', async () => {
    const { forge, deps, tag } = setup();
    const outcomes = [];
    for (const v of [...versions].reverse()) outcomes.push(await onRelease(deps(), tag(v)));
    expect(outcomes[0]).toEqual({ action: 'created', pullRequests: [1] });
    expect(outcomes[1]).toMatchObject({ action: 'kept-newer', pullRequests: [1] });
    expect(outcomes[1]!.detail).toBe(
      'web: the open PR #1 already moves dev to 5.0.12, newer than 5.0.11; left as it is',
    );
    expect(forge.pullRequests).toHaveLength(1);
    expect(parsePromotionBody(forge.pullRequests[0]!.body)!.targets[0]!.to).toEqual({ tag: '5.0.12' });
    expect(forge.filesAt('shop/gitops', 'gantry/dev/web').get('apps/web/envs/dev/values.yaml')).toContain(
      'tag: "5.0.12"',
    );
  });

  it('keeps the newest whatever order concurrent deliveries take, across replicas', async () => {
    const { forge, deps, tag } = setup();
    // Separate locks model replicas: only compare-and-swap and the PR metadata keep them apart.
    await Promise.all([...versions].reverse().map((v) => onRelease(deps(), tag(v))));
    expect(forge.pullRequests.map((p) => p.title)).toEqual(['Release web to dev: 1.5.0-rc.1 → 5.0.12']);
  });

  it('never moves an environment back to an older release than it runs', async () => {
    const { forge, deps, tag } = setup();
    await onRelease(deps(), tag('v1.6.1'));
    forge.merge('shop/gitops', 1);
    const older = await onRelease(deps(), tag('v1.6.0'));
    expect(older).toEqual({
      action: 'refused',
      detail: 'web: dev would move from 1.6.1 to 1.6.0, an older version (1.6.0 is older than 1.6.1)',
    });
    expect(forge.pullRequests).toHaveLength(1);
  });

  it('does not release again a version the environment ran before', async () => {
    const { forge, deps, tag } = setup();
    await onRelease(deps(), tag('v1.6.0'));
    forge.merge('shop/gitops', 1);
    // dev is set back by hand (a rollback outside gantry): 1.6.0 was rolled back for a reason.
    const path = 'apps/web/envs/dev/values.yaml';
    const content = forge.filesAt('shop/gitops', 'main').get(path)!;
    forge.push('shop/gitops', 'main', { [path]: content.replace('"1.6.0"', '"1.5.0"') });
    expect(await onRelease(deps(), tag('v1.6.0'))).toMatchObject({
      action: 'refused',
      detail: expect.stringContaining('dev ran 1.6.0 before its current 1.5.0'),
    });
  });
});

describe('auto-promotion on merge never moves the next environment back', () => {
  it('says so on the merged PR instead of opening a downgrade', async () => {
    const { forge, deps, tag } = setup();
    await onRelease(deps(), tag('v1.6.0'));
    const merged = forge.merge('shop/gitops', 1);
    // Meanwhile staging got a newer version by hand.
    const path = 'apps/web/envs/staging/values.yaml';
    const content = forge.filesAt('shop/gitops', 'main').get(path)!;
    forge.push('shop/gitops', 'main', { [path]: content.replace('"1.4.0"', '"1.7.0"') });
    const outcome = await onMerged(deps(), {
      repo: 'shop/gitops',
      number: 1,
      base: 'main',
      mergeSha: forge.repos.get('shop/gitops')!.branches.get('main')!,
      head: merged.head,
      body: merged.body,
    });
    expect(outcome).toEqual({ action: 'commented', pullRequests: [] });
    expect(forge.comments.at(-1)!.body).toContain(
      '- **staging**: not promoted: web: staging would move from 1.7.0 to 1.6.0, an older version (1.6.0 is older than 1.7.0)',
    );
    expect(forge.pullRequests).toHaveLength(1);
  });
});
