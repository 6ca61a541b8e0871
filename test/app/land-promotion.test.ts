import { describe, expect, it } from 'vitest';
import { landPromotion } from '../../src/app/apply-promotion.ts';
import { requireOptIn } from '../../src/app/environment-repos.ts';
import { ConflictError, UsageError } from '../../src/core/errors.ts';
import type { AppPromotion } from '../../src/core/promote/plan.ts';
import { MemoryForge } from '../support/memory-forge.ts';

const promotion = (extra: Partial<AppPromotion> = {}): AppPromotion => ({
  app: 'web',
  branch: 'gantry/dev/web',
  title: 'Release web to dev: 1.0.0 → 1.1.0',
  body: 'body',
  metadata: { version: 1, app: 'web', environment: 'dev', source: 'shop/web@v1.1.0', targets: [] },
  updates: [{ path: 'dev.yml', before: 'tag: 1.0.0\n', after: 'tag: 1.1.0\n' }],
  notes: [],
  ...extra,
});

describe('landPromotion', () => {
  it('via commit: one commit on the default branch, refused when the branch moved since the read', async () => {
    const forge = new MemoryForge();
    const sha = forge.seed('shop/gitops', { 'dev.yml': 'tag: 1.0.0\n' });
    const outcome = await landPromotion(forge, 'shop/gitops', { branch: 'main', sha }, promotion(), 'commit');
    expect(outcome).toMatchObject({ action: 'committed' });
    expect(forge.filesAt('shop/gitops', 'main').get('dev.yml')).toBe('tag: 1.1.0\n');
    expect(forge.pullRequests).toEqual([]);
    await expect(
      landPromotion(forge, 'shop/gitops', { branch: 'main', sha }, promotion(), 'commit'),
    ).rejects.toThrow(ConflictError);
  });

  it('via auto-merge: the PR is scheduled while checks run, pinned to the commit gantry wrote', async () => {
    const forge = new MemoryForge();
    const sha = forge.seed('shop/gitops', { 'dev.yml': 'tag: 1.0.0\n' });
    forge.pendingChecks.add('shop/gitops');
    const outcome = await landPromotion(
      forge,
      'shop/gitops',
      { branch: 'main', sha },
      promotion(),
      'auto-merge',
    );
    expect(outcome).toMatchObject({ action: 'created', autoMerge: 'scheduled' });
    expect(forge.calls.filter((c) => c.startsWith('enableAutoMerge'))).toEqual([
      'enableAutoMerge shop/gitops 1',
    ]);
    expect(forge.checksPassed('shop/gitops').map((p) => p.number)).toEqual([1]);
    expect(forge.filesAt('shop/gitops', 'main').get('dev.yml')).toBe('tag: 1.1.0\n');
  });

  it("never writes one repository's file into another", async () => {
    const forge = new MemoryForge();
    const sha = forge.seed('shop/gitops', { 'dev.yml': 'tag: 1.0.0\n' });
    const stray = promotion({
      updates: [{ path: 'dev.yml', repo: 'shop/other', before: null, after: 'x\n' }],
    });
    for (const via of ['pr', 'commit'] as const)
      await expect(landPromotion(forge, 'shop/gitops', { branch: 'main', sha }, stray, via)).rejects.toThrow(
        UsageError,
      );
    expect(forge.writes()).toEqual([]);
  });
});

describe('requireOptIn', () => {
  it('accepts a repository whose .gantry.yml extends the configuring one, and refuses others', async () => {
    const forge = new MemoryForge();
    forge.seed('shop/prod', { '.gantry.yml': 'version: 1\nextends: shop/gitops\n' });
    forge.seed('shop/same-owner', { '.gantry.yml': 'version: 1\nextends: gitops\n' });
    forge.seed('shop/elsewhere', { '.gantry.yml': 'version: 1\nextends: shop/other\n' });
    forge.seed('shop/none', { 'README.md': '' });
    expect(await requireOptIn(forge, 'shop/prod', 'shop/gitops')).toBe('main');
    expect(await requireOptIn(forge, 'shop/same-owner', 'shop/gitops')).toBe('main');
    await expect(requireOptIn(forge, 'shop/elsewhere', 'shop/gitops')).rejects.toThrow(
      'shop/elsewhere does not take promotions from shop/gitops: its .gantry.yml must say "extends: shop/gitops"',
    );
    await expect(requireOptIn(forge, 'shop/none', 'shop/gitops')).rejects.toThrow('(it has none)');
  });
});
