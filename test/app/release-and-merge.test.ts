import { describe, expect, it } from 'vitest';
import type { BotDeps } from '../../src/app/deps.ts';
import { noLog } from '../../src/app/deps.ts';
import { KeyedLock } from '../../src/app/keyed-lock.ts';
import { onConfigPush } from '../../src/app/on-config-push.ts';
import { onMerged } from '../../src/app/on-merged.ts';
import { onRelease } from '../../src/app/on-release.ts';
import { parsePromotionBody } from '../../src/core/promote/pr-body.ts';
import { fixedClock } from '../../src/ports/clock.ts';
import { APP_REPO_CONFIG, exampleGitops } from '../support/gitops-fixture.ts';
import { MemoryForge } from '../support/memory-forge.ts';

function setup(now = '2026-11-25T12:00:00Z') {
  const forge = new MemoryForge();
  forge.seed('shop/gitops', exampleGitops());
  forge.seed('shop/web', { '.gantry.yml': APP_REPO_CONFIG, Dockerfile: 'FROM scratch\n' });
  const deps = (lock = new KeyedLock()): BotDeps => ({
    forge,
    forgeFor: async () => forge,
    clock: fixedClock(new Date(now)),
    log: noLog,
    lock,
  });
  return { forge, deps };
}

const tag = (forge: MemoryForge, name: string) => ({
  repo: 'shop/web',
  tag: name,
  sha: forge.repos.get('shop/web')!.branches.get('main')!,
  trigger: 'tag' as const,
});

describe('onRelease: a tag opens the release PR into the first environment', () => {
  it('opens one PR with one commit, updated in place by a newer tag', async () => {
    const { forge, deps } = setup();
    const first = await onRelease(deps(), tag(forge, 'v1.6.0'));
    expect(first).toEqual({ action: 'created', pullRequests: [1] });
    const pr = forge.pullRequests[0]!;
    expect(pr).toMatchObject({
      head: 'gantry/dev/web',
      base: 'main',
      title: 'Release web to dev: 1.5.0-rc.1 → 1.6.0',
    });
    expect(forge.filesAt('shop/gitops', 'gantry/dev/web').get('apps/web/envs/dev/values.yaml')).toContain(
      'tag: "1.6.0"   # promoted by gantry',
    );
    expect(parsePromotionBody(pr.body)).toMatchObject({ environment: 'dev', source: 'shop/web@v1.6.0' });
    const newer = await onRelease(deps(), tag(forge, 'v1.6.1'));
    expect(newer).toEqual({ action: 'updated', pullRequests: [1] });
    expect(forge.pullRequests).toHaveLength(1);
    expect(forge.pullRequests[0]!.title).toBe('Release web to dev: 1.5.0-rc.1 → 1.6.1');
  });

  it('changes nothing when the same delivery is replayed', async () => {
    const { forge, deps } = setup();
    await onRelease(deps(), tag(forge, 'v1.6.0'));
    const writes = forge.writes().length;
    for (let i = 0; i < 5; i++)
      expect(await onRelease(deps(), tag(forge, 'v1.6.0'))).toEqual({
        action: 'unchanged',
        pullRequests: [1],
      });
    expect(forge.writes()).toHaveLength(writes);
  });

  it('yields one branch and one PR for concurrent triggers, in one process and across replicas', async () => {
    const { forge, deps } = setup();
    const shared = deps();
    await Promise.all(Array.from({ length: 8 }, () => onRelease(shared, tag(forge, 'v1.6.0'))));
    // Separate locks model separate replicas: only compare-and-swap keeps them apart.
    await Promise.all(Array.from({ length: 8 }, () => onRelease(deps(), tag(forge, 'v1.6.2'))));
    expect(forge.pullRequests.map((p) => [p.head, p.title])).toEqual([
      ['gantry/dev/web', 'Release web to dev: 1.5.0-rc.1 → 1.6.2'],
    ]);
  });

  it('ignores tags of repositories without deploy:, and tag pushes when deploy waits for the pipeline', async () => {
    const { forge, deps } = setup();
    forge.seed('shop/other', { README: 'x' });
    expect(await onRelease(deps(), { ...tag(forge, 'v1'), repo: 'shop/other', sha: 'main' })).toEqual({
      action: 'ignored',
      detail: 'shop/other has no deploy: section',
    });
    forge.seed('shop/web', { '.gantry.yml': APP_REPO_CONFIG.replace('trigger: tag', 'trigger: pipeline') });
    const ignoredTag = await onRelease(deps(), tag(forge, 'v1.7.0'));
    expect(ignoredTag.action).toBe('ignored');
    expect(
      await onRelease(deps(), {
        ...tag(forge, 'v1.7.0'),
        trigger: 'pipeline',
        digest: `sha256:${'d'.repeat(64)}`,
      }),
    ).toMatchObject({
      action: 'created',
    });
  });

  it('refuses a release when the GitOps repository sets no apps.<app>.source, and counts it', async () => {
    const { forge } = setup();
    const files = exampleGitops();
    files['.gantry.yml'] = files['.gantry.yml']!.replace('    source: shop/web\n', '');
    forge.seed('shop/gitops', files);
    const counted: string[] = [];
    const warned: string[] = [];
    const outcome = await onRelease(
      {
        ...setup().deps(),
        forge,
        forgeFor: async () => forge,
        log: { ...noLog, warn: (_fields, message) => warned.push(message) },
        record: (event, value) => counted.push(`${event}:${value}`),
      },
      tag(forge, 'v1.6.0'),
    );
    const detail =
      'release of web from shop/web refused: shop/gitops sets no apps.web.source, so no repository may release it';
    expect(outcome).toEqual({ action: 'refused', detail });
    expect(warned).toEqual([detail]);
    expect(counted).toEqual([`release-refused:${forge.kind}`]);
    expect(forge.pullRequests).toEqual([]);
  });

  it('says on the gantry/config status which apps no repository may release (no apps.<app>.source)', async () => {
    const { forge, deps } = setup();
    const files = exampleGitops();
    files['.gantry.yml'] = files['.gantry.yml']!.replace('    source: shop/web\n', '');
    forge.seed('shop/gitops', files);
    const sha = forge.repos.get('shop/gitops')!.branches.get('main')!;
    await onConfigPush(deps(), { repo: 'shop/gitops', branch: 'main', sha, changed: ['.gantry.yml'] });
    expect(forge.statuses.map((s) => [s.state, s.description])).toEqual([
      ['success', '.gantry.yml is valid; releases refused until apps.<app>.source is set: web'],
    ]);
  });

  it('costs a constant number of forge calls, whatever the number of files', async () => {
    const { forge, deps } = setup();
    await onRelease(deps(), tag(forge, 'v1.6.0'));
    expect(forge.calls.map((c) => c.split(' ')[0])).toEqual([
      'readFile', // app repo .gantry.yml
      'defaultBranch', // GitOps repo
      'readFile', // GitOps .gantry.yml
      'readFiles', // every manifest, one batch
      'fileHistory', // the app's file in dev: a release never moves it back
      'findPullRequest',
      'branchHead',
      'commit',
      'createPullRequest',
    ]);
  });
});

describe('onMerged: what happens after a promotion PR is merged', () => {
  async function mergedInto(
    env: 'dev' | 'staging',
    deps: ReturnType<typeof setup>['deps'],
    forge: MemoryForge,
  ) {
    if (env === 'dev') await onRelease(deps(), tag(forge, 'v1.6.0'));
    const pr = forge.pullRequests.at(-1)!;
    const merged = forge.merge('shop/gitops', pr.number);
    return onMerged(deps(), {
      repo: 'shop/gitops',
      number: merged.number,
      base: 'main',
      mergeSha: forge.repos.get('shop/gitops')!.branches.get('main')!,
      head: merged.head,
      body: merged.body,
    });
  }

  it('opens the next PR when the next environment is auto, and says so on the merged PR', async () => {
    const { forge, deps } = setup();
    const outcome = await mergedInto('dev', deps, forge);
    expect(outcome).toEqual({ action: 'promoted', pullRequests: [2] });
    expect(forge.pullRequests[1]).toMatchObject({
      head: 'gantry/staging/web',
      title: 'Promote web to staging: 1.4.0 → 1.6.0',
    });
    expect(forge.comments).toHaveLength(1);
    expect(forge.comments[0]!.body).toContain(
      '- **staging**: created https://forge.example/shop/gitops/pull/2',
    );
  });

  it('names the command when the next environment is not auto', async () => {
    const { forge, deps } = setup();
    await mergedInto('dev', deps, forge);
    const outcome = await mergedInto('staging', deps, forge);
    expect(outcome).toEqual({ action: 'commented', pullRequests: [] });
    expect(forge.comments.at(-1)!.body).toContain(
      '- **prod**: promote with `/gantry promote prod --app web`',
    );
  });

  it('does not auto-promote into a frozen environment, and says until when', async () => {
    const { forge, deps } = setup('2026-11-27T16:00:00Z'); // Friday 17:00 in Berlin
    const gitops = exampleGitops();
    gitops['.gantry.yml'] = gitops['.gantry.yml']!.replace(
      '  - name: staging\n    after: dev\n    auto: true\n',
      '  - name: staging\n    after: dev\n    auto: true\n    freeze: ["Fri 16:00 - Mon 08:00 Europe/Berlin"]\n',
    );
    forge.seed('shop/gitops', gitops);
    const outcome = await mergedInto('dev', deps, forge);
    expect(outcome.action).toBe('commented');
    expect(forge.comments[0]!.body).toContain('- **staging**: frozen until 2026-11-30T07:00:00.000Z');
    expect(forge.pullRequests).toHaveLength(1);
  });

  it('ignores PRs that are not gantry promotions', async () => {
    const { deps } = setup();
    const outcome = await onMerged(deps(), {
      repo: 'shop/gitops',
      number: 9,
      base: 'main',
      mergeSha: 'main',
      head: 'feature/x',
      body: 'hi',
    });
    expect(outcome).toEqual({ action: 'ignored', detail: 'not a gantry promotion PR' });
  });
});

describe('imageTagOf: the release PR names the tag the build pushed', () => {
  it('follows the build scheme for semver, build metadata and other tags', async () => {
    const { imageTagOf } = await import('../../src/app/on-release.ts');
    const sha = '0123456789abcdef0123456789abcdef01234567';
    expect(imageTagOf('v1.2.3', sha)).toBe('1.2.3');
    expect(imageTagOf('v1.3.0-rc.1', sha)).toBe('1.3.0-rc.1');
    expect(imageTagOf('v2.0.0+build.5', sha)).toBe('2.0.0_build.5');
    expect(imageTagOf('Nightly', sha)).toBe('nightly');
  });
});
