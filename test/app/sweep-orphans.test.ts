import { describe, expect, it } from 'vitest';
import { noLog } from '../../src/app/deps.ts';
import { KeyedLock } from '../../src/app/keyed-lock.ts';
import { promoteOnForge } from '../../src/app/promote-on-forge.ts';
import { sweepOrphans } from '../../src/app/sweep-orphans.ts';
import { parsePromotionBody } from '../../src/core/promote/pr-body.ts';
import type { Forge } from '../../src/ports/forge.ts';
import { expectWellFormed, githubWorld, REPO } from '../support/github-harness.ts';
import { expectGitLabWellFormed, gitlabWorld, PROJECT } from '../support/gitlab-harness.ts';
import { exampleGitops } from '../support/gitops-fixture.ts';

const deps = () => ({ lock: new KeyedLock(), log: noLog });

/** A promotion whose PR create failed after its branch was pushed: the orphan of issue #11. */
async function orphan(forge: Forge, repo: string, dropPullRequest: () => void) {
  await promoteOnForge(deps(), forge, repo, 'main', {
    kind: 'promote',
    request: { to: 'staging', apps: ['web'] },
  });
  dropPullRequest();
}

describe.each([
  [
    'GitHub',
    () => {
      const { fake, forge } = githubWorld(exampleGitops());
      return {
        forge,
        repo: REPO,
        branches: fake.git.branches,
        push: (b: string, files: Record<string, string>) => fake.git.push(b, files),
        drop: () => fake.pulls.splice(0),
        open: () =>
          fake.pulls
            .filter((p) => p.state === 'open')
            .map((p) => ({ head: p.head, body: p.body, title: p.title })),
        closeAll: () => {
          for (const p of fake.pulls) p.state = 'closed';
        },
        wellFormed: () => expectWellFormed(fake),
      };
    },
  ],
  [
    'GitLab',
    () => {
      const { fake, forge } = gitlabWorld(exampleGitops());
      return {
        forge,
        repo: PROJECT,
        branches: fake.git.branches,
        push: (b: string, files: Record<string, string>) => fake.git.push(b, files),
        drop: () => fake.mergeRequests.splice(0),
        open: () =>
          fake.mergeRequests
            .filter((m) => m.state === 'opened')
            .map((m) => ({ head: m.source_branch, body: m.description, title: m.title })),
        closeAll: () => {
          // Merged, as GitLab keeps the source branch unless told to remove it.
          for (const m of fake.mergeRequests) m.state = 'merged';
        },
        wellFormed: () => expectGitLabWellFormed(fake),
      };
    },
  ],
])('orphan sweep on %s', (_name, make) => {
  it('opens the PR of an orphaned promotion branch from its commit metadata, and deletes a gantry/* branch without any', async () => {
    const w = make();
    await orphan(w.forge, w.repo, w.drop);
    w.branches.set('gantry/stray/thing', w.branches.get('main')!);
    w.push('gantry/stray/thing', { 'notes.txt': 'not gantry’s work' });
    expect(w.open()).toEqual([]);
    const outcomes = await sweepOrphans(deps(), w.forge, w.repo);
    expect(outcomes.map((o) => [o.branch, o.action])).toEqual([
      ['gantry/staging/web', 'opened'],
      ['gantry/stray/thing', 'deleted'],
    ]);
    const [pr] = w.open();
    expect(pr).toMatchObject({
      head: 'gantry/staging/web',
      title: expect.stringMatching(/^Promote web to staging/),
    });
    expect(parsePromotionBody(pr!.body)).toMatchObject({ app: 'web', environment: 'staging' });
    expect([...w.branches.keys()].filter((b) => b.startsWith('gantry/'))).toEqual(['gantry/staging/web']);
    // A second sweep finds nothing to do; a later promotion sees its own PR and changes nothing.
    expect(await sweepOrphans(deps(), w.forge, w.repo)).toEqual([]);
    const again = await promoteOnForge(deps(), w.forge, w.repo, 'main', {
      kind: 'promote',
      request: { to: 'staging', apps: ['web'] },
    });
    expect(again.outcomes.map((o) => o.action)).toEqual(['unchanged']);
    w.wellFormed();
  });

  it('leaves alone branches with an open PR and branches whose PR a human closed at that commit', async () => {
    const w = make();
    await promoteOnForge(deps(), w.forge, w.repo, 'main', {
      kind: 'promote',
      request: { to: 'staging', apps: ['web'] },
    });
    expect(await sweepOrphans(deps(), w.forge, w.repo)).toEqual([]);
    w.closeAll();
    expect(await sweepOrphans(deps(), w.forge, w.repo)).toEqual([]);
    expect(w.branches.has('gantry/staging/web')).toBe(true);
  });
});
