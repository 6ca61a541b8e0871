import { describe, expect, it } from 'vitest';
import { onComment } from '../../src/app/on-comment.ts';
import { onMerged } from '../../src/app/on-merged.ts';
import { onRelease } from '../../src/app/on-release.ts';
import { chatopsWorld, GITOPS } from '../support/chatops-world.ts';

/** Release a tag of web into dev, merge that PR, and let onMerged decide about staging (auto). */
async function releaseAndMerge(w: ReturnType<typeof chatopsWorld>, tag = 'v1.6.0') {
  await onRelease(w.deps, {
    repo: 'shop/web',
    tag,
    sha: w.forge.repos.get('shop/web')!.branches.get('main')!,
    trigger: 'tag',
  });
  const merged = w.forge.merge(GITOPS, w.forge.pullRequests.at(-1)!.number);
  await onMerged(w.deps, {
    repo: GITOPS,
    number: merged.number,
    base: 'main',
    mergeSha: w.forge.repos.get(GITOPS)!.branches.get('main')!,
    head: merged.head,
    body: merged.body,
  });
  return w.forge.comments.at(-1)!.body;
}

describe('/gantry freeze pauses automatic promotion', () => {
  it('keeps onMerged from opening the next PR into a frozen environment, and resumes after unfreeze', async () => {
    const w = chatopsWorld('github');
    await onComment(w.deps, w.comment('/gantry freeze staging "load test"'));
    const next = await releaseAndMerge(w);
    expect(next).toContain(
      '- **staging**: frozen until unfrozen by alice since 2026-11-25T12:00:00.000Z: load test; promote then, or an approver runs `/gantry promote staging --app web --force`',
    );
    expect(w.forge.pullRequests.some((p) => p.head === 'gantry/staging/web')).toBe(false);

    await onComment(w.deps, w.comment('/gantry unfreeze staging'));
    expect(await releaseAndMerge(w, 'v1.6.1')).toContain('- **staging**: created');
    expect(w.forge.pullRequests.some((p) => p.head === 'gantry/staging/web')).toBe(true);
  });

  it('fails closed on a freeze file it cannot read', async () => {
    const w = chatopsWorld('gitlab');
    w.forge.push(GITOPS, 'main', { '.gantry/freeze.yml': 'environments: [' }, 'hand edit');
    const next = await releaseAndMerge(w);
    expect(next).toMatch(/- \*\*staging\*\*: treated as frozen: \.gantry\/freeze\.yml: /);
    expect(w.forge.pullRequests.some((p) => p.head === 'gantry/staging/web')).toBe(false);
    await onComment(w.deps, w.comment('/gantry freeze staging'));
    expect(w.forge.comments.at(-1)!.body).toMatch(
      /^😕 `\/gantry freeze staging` \.gantry\/freeze\.yml: .*; fix or delete the file, then try again$/,
    );
  });
});
