import { afterEach, describe, expect, it } from 'vitest';
import { onComment } from '../../src/app/on-comment.ts';
import { readFreezeState } from '../../src/core/freeze/state.ts';
import { parsePromotionBody } from '../../src/core/promote/pr-body.ts';
import {
  chatopsWorld,
  expectNoCommandsIn,
  type ForgeKind,
  FRIDAY_EVENING,
  GITOPS,
} from '../support/chatops-world.ts';

const WEB_STAGING = 'apps/web/envs/staging/values.yaml';

let written: string[] = [];
afterEach(() => {
  expectNoCommandsIn(written);
  written = [];
});

describe.each<ForgeKind>(['github', 'gitlab'])('ChatOps verbs on %s', (kind) => {
  function world(now?: string) {
    const w = chatopsWorld(kind, now);
    written = w.forge.comments.map((c) => c.body);
    const run = async (body: string, fields = {}) => {
      const outcome = await onComment(w.deps, w.comment(body, fields));
      written = w.forge.comments.map((c) => c.body);
      return outcome;
    };
    return { ...w, run };
  }

  it('promote: 👀 first, then the promotion PRs, then one reply with their links', async () => {
    const { forge, run, replies } = world();
    const outcome = await run('/gantry promote staging');
    expect(outcome).toEqual({ action: 'answered', detail: 'promote staging: 🚀' });
    expect(forge.writes()[0]).toBe(`addReaction ${GITOPS} eyes`);
    expect(forge.writes().at(-1)).toBe(`createComment ${GITOPS} 1`);
    expect(forge.reactions[0]!.target).toEqual({ kind: 'comment', id: 9000, pullRequest: 1 });
    const opened = forge.pullRequests.filter((p) => p.head.startsWith('gantry/'));
    expect(opened.map((p) => p.head)).toEqual(['gantry/staging/api', 'gantry/staging/web']);
    const [reply] = replies();
    expect(reply).toBe(
      [
        '🚀 `/gantry promote staging`',
        '',
        'promotion into **staging** from **dev**',
        `- **api** 2.4.0@sha256:4b7e2d1f9a0c → 2.5.0-rc.2: created https://forge.example/${GITOPS}/pull/2`,
        `- **web** 1.4.0 → 1.5.0-rc.1: created https://forge.example/${GITOPS}/pull/3`,
      ].join('\n'),
    );
  });

  it('promote --from: one target of prod from another (prod/us-east got a hotfix first)', async () => {
    const { forge, run, replies } = world();
    const path = 'apps/web/envs/prod/us-east/values.yaml';
    const hotfix = forge.filesAt(GITOPS, 'main').get(path)!.replace('tag: "1.3.2"', 'tag: "1.3.3"');
    forge.push(GITOPS, 'main', { [path]: hotfix }, 'hotfix in us-east');
    const outcome = await run('/gantry promote prod/eu-west --from prod/us-east --app web');
    expect(outcome).toEqual({
      action: 'answered',
      detail: 'promote prod/eu-west --app web --from prod/us-east: 🚀',
    });
    const opened = forge.pullRequests.filter((p) => p.head.startsWith('gantry/'));
    expect(opened.map((p) => [p.head, p.title])).toEqual([
      ['gantry/prod/eu-west/web', 'Promote web to prod/eu-west: 1.3.2 → 1.3.3'],
    ]);
    expect(parsePromotionBody(opened[0]!.body)).toMatchObject({
      environment: 'prod',
      source: 'prod/us-east',
    });
    expect(replies()[0]).toContain('promotion into **prod/eu-west** from **prod/us-east**');
  });

  it('promote into a first environment says where its versions come from instead', async () => {
    const { forge, run, replies } = world();
    await run('/gantry promote dev');
    expect(replies()[0]).toBe(
      '😕 `/gantry promote dev` dev is a first environment: versions reach it from tags (releases), nothing promotes into it',
    );
    expect(forge.writes()).toEqual([`addReaction ${GITOPS} eyes`, `createComment ${GITOPS} 1`]);
  });

  it('costs a fixed number of forge calls per command', async () => {
    const { forge, run } = world();
    await run('/gantry promote staging --app web');
    expect(forge.calls.map((c) => c.split(' ')[0])).toEqual([
      'addReaction', // 👀
      'defaultBranch', // the comment's repository is the GitOps repository
      'readFile', // .gantry.yml
      'getPullRequest', // fork? a gantry PR? (skipped when the event carries the PR)
      'getPermission',
      'readFile', // .gantry/freeze.yml
      'readFiles', // every manifest, one batch
      'fileHistory', // web in dev: orders versions, names the lineage
      'fileHistory', // web in staging: a version it ran before is older
      'findPullRequest',
      'branchHead',
      'commit',
      'createPullRequest',
      'createComment', // the reply
    ]);
    forge.calls.length = 0;
    await run('/gantry status', { isPullRequest: false, number: 8 });
    expect(forge.calls.map((c) => c.split(' ')[0])).toEqual([
      'addReaction',
      'defaultBranch',
      'readFile',
      'readFiles', // versions and the freeze file together
      'createComment',
    ]);
  });

  it('promote --app honours dependsOn: the reply notes a dependency left out', async () => {
    const { forge, run, replies } = world();
    await run('/gantry promote staging --app web');
    expect(forge.pullRequests.filter((p) => p.head.startsWith('gantry/')).map((p) => p.head)).toEqual([
      'gantry/staging/web',
    ]);
    expect(replies()[0]).toContain(
      '- ⚠️ web depends on api, which this promotion does not include; promote api first if it is behind.',
    );
  });

  it('promote on a gantry promotion PR means that PR’s app', async () => {
    const { forge, run, replies } = world();
    await run('/gantry promote staging --app web');
    const stagingPr = forge.pullRequests.at(-1)!;
    forge.merge(GITOPS, stagingPr.number);
    await run('/gantry promote prod', { number: stagingPr.number });
    const prod = forge.pullRequests.filter((p) => p.head.startsWith('gantry/prod'));
    expect(prod.map((p) => [p.head, p.title])).toEqual([
      ['gantry/prod/web', 'Promote web to prod: 1.3.2 → 1.5.0-rc.1'],
    ]);
    expect(replies().at(-1)).toContain(`created https://forge.example/${GITOPS}/pull/`);
  });

  it('promote is refused inside a freeze window, with its end, unless an approver adds --force', async () => {
    const { forge, run, replies } = world(FRIDAY_EVENING);
    await run('/gantry promote prod');
    expect(replies()[0]).toBe(
      '😕 `/gantry promote prod` prod is frozen until 2026-11-30T07:00:00.000Z (freeze window "Fri 16:00 - Mon 08:00 Europe/Berlin"). An approver may promote anyway by adding `--force`.',
    );
    expect(forge.pullRequests.filter((p) => p.head.startsWith('gantry/'))).toEqual([]);
    await run('/gantry promote prod --force');
    expect(forge.pullRequests.filter((p) => p.head.startsWith('gantry/prod/')).length).toBeGreaterThan(0);
    expect(replies()[1]).toContain(
      '- ❄️ promoted during a freeze (--force): frozen until 2026-11-30T07:00:00.000Z',
    );
  });

  it('freeze records the freeze in .gantry/freeze.yml on the default branch; promote is refused until unfreeze', async () => {
    const { forge, run, replies, clock } = world();
    await run('/gantry freeze staging "incident 42"');
    const file = forge.filesAt(GITOPS, 'main').get('.gantry/freeze.yml')!;
    expect(readFreezeState(file)).toEqual({
      environments: { staging: { reason: 'incident 42', by: 'alice', at: '2026-11-25T12:00:00.000Z' } },
    });
    expect(forge.writes().filter((w) => w.startsWith('commit'))).toEqual([`commit ${GITOPS} main`]);
    expect(replies()[0]).toMatch(
      /^🚀 `\/gantry freeze staging "incident 42"` \*\*staging\*\* is frozen until unfrozen by alice since 2026-11-25T12:00:00.000Z: incident 42: https:\/\/forge.example\/shop\/gitops\/compare\/\w+\.\.\.\w+$/,
    );
    await run('/gantry promote staging');
    expect(replies()[1]).toContain(
      'staging is frozen until unfrozen by alice since 2026-11-25T12:00:00.000Z: incident 42.',
    );
    clock.advance(2 * 60_000);
    await run('/gantry freeze staging "incident 42"');
    expect(replies()[2]).toBe(
      '👌 `/gantry freeze staging "incident 42"` **staging** was already frozen with this reason',
    );
    await run('/gantry unfreeze staging');
    expect(readFreezeState(forge.filesAt(GITOPS, 'main').get('.gantry/freeze.yml')!)).toEqual({
      environments: {},
    });
    expect(replies()[3]).toMatch(
      /^🚀 `\/gantry unfreeze staging` \*\*staging\*\* is no longer frozen by command/,
    );
    clock.advance(2 * 60_000);
    await run('/gantry unfreeze staging');
    expect(replies()[4]).toBe(
      '👌 `/gantry unfreeze staging` **staging** was not frozen by `/gantry freeze`.',
    );
    await run('/gantry promote staging');
    expect(replies()[5]).toMatch(/^🚀/);
  });

  it('freeze --for sets an end; unfreeze says when a configured window still applies', async () => {
    const { forge, run, replies } = world(FRIDAY_EVENING);
    await run('/gantry freeze prod --for 2h db migration');
    expect(
      readFreezeState(forge.filesAt(GITOPS, 'main').get('.gantry/freeze.yml')!).environments.prod,
    ).toEqual({
      reason: 'db migration',
      by: 'alice',
      at: '2026-11-27T16:00:00.000Z',
      until: '2026-11-27T18:00:00.000Z',
    });
    await run('/gantry unfreeze prod');
    expect(replies()[1]).toContain(
      'It stays frozen until 2026-11-30T07:00:00.000Z (freeze window "Fri 16:00 - Mon 08:00 Europe/Berlin").',
    );
  });

  it('rollback: a PR on its own branch setting the environment back to the version before, from git history', async () => {
    const { forge, run, replies } = world();
    const before = forge.filesAt(GITOPS, 'main').get(WEB_STAGING)!;
    forge.push(
      GITOPS,
      'main',
      { [WEB_STAGING]: before.replace('"1.4.0"', '"1.5.0"') },
      'Promote web to staging (#7)',
    );
    await run('/gantry rollback staging --app web');
    const rollback = forge.pullRequests.at(-1)!;
    expect(rollback).toMatchObject({
      head: 'gantry-rollback/staging/web',
      title: 'Roll back web in staging: 1.5.0 → 1.4.0',
    });
    expect(forge.filesAt(GITOPS, rollback.head).get(WEB_STAGING)).toBe(before);
    expect(parsePromotionBody(rollback.body)).toMatchObject({
      kind: 'rollback',
      app: 'web',
      environment: 'staging',
    });
    expect(rollback.body).toContain('## Roll back `web` in **staging**');
    expect(rollback.body).toContain(
      '> Requested by @alice with `/gantry rollback staging --app web` on shop/gitops#1.',
    );
    expect(replies()[0]).toMatch(
      new RegExp(
        `^🚀 \`/gantry rollback staging --app web\`\\n\\nrollback of \\*\\*staging\\*\\*\\n- \\*\\*web\\*\\* staging → 1\\.4\\.0 \\(as of \\w{12}\\): created ${rollback.url}$`,
      ),
    );
    // The same rollback again (after the dedupe window) changes nothing.
    const writes = forge.writes().length;
    await run('/gantry rollback staging --app web', { number: 2 });
    expect(forge.writes().slice(writes)).toEqual([`addReaction ${GITOPS} eyes`, `createComment ${GITOPS} 2`]);
  });

  it('rollback of a fanned-out environment goes back per target, in one PR', async () => {
    const { forge, run } = world();
    const paths = ['apps/web/envs/prod/eu-west/values.yaml', 'apps/web/envs/prod/us-east/values.yaml'];
    const before = paths.map((p) => forge.filesAt(GITOPS, 'main').get(p)!);
    forge.push(
      GITOPS,
      'main',
      { [paths[0]!]: before[0]!.replace('"1.3.2"', '"1.4.0"') },
      'Promote web to prod/eu-west',
    );
    forge.push(
      GITOPS,
      'main',
      { [paths[1]!]: before[1]!.replace('"1.3.2"', '"1.4.0"') },
      'Promote web to prod/us-east',
    );
    await run('/gantry rollback prod --app web');
    const rollback = forge.pullRequests.at(-1)!;
    expect(rollback).toMatchObject({
      head: 'gantry-rollback/prod/web',
      title: 'Roll back web in prod: 1.4.0 → 1.3.2',
    });
    expect(paths.map((p) => forge.filesAt(GITOPS, rollback.head).get(p))).toEqual(before);
    expect(parsePromotionBody(rollback.body)!.targets.map((t) => t.target)).toEqual([
      'prod/eu-west',
      'prod/us-east',
    ]);
  });

  it('rollback --to a version the history does not have sets only the version; several apps need --app', async () => {
    const { forge, run, replies } = world();
    await run('/gantry rollback staging --app web --to 1.3.2');
    const rollback = forge.pullRequests.at(-1)!;
    expect(rollback.title).toBe('Roll back web in staging: 1.4.0 → 1.3.2');
    expect(forge.filesAt(GITOPS, rollback.head).get(WEB_STAGING)).toContain(
      'tag: "1.3.2"   # promoted by gantry',
    );
    await run('/gantry rollback staging');
    expect(replies()[1]).toBe(
      '😕 `/gantry rollback staging` which app? Add `--app NAME` (one of: api, web, worker).',
    );
    await run('/gantry rollback staging --app web');
    expect(replies()[2]).toMatch(
      /^😕 `\/gantry rollback staging --app web` apps\/web\/envs\/staging\/values\.yaml: no version older than 1\.4\.0/,
    );
  });

  it('status: the app × environment matrix as a table, with freezes', async () => {
    const { run, replies } = world(FRIDAY_EVENING);
    await run('@gantry-bot status');
    const reply = replies()[0]!;
    expect(reply).toContain('| app | dev | staging | prod/eu-west | prod/us-east |\n|---|---|---|---|---|');
    expect(reply).toContain('| web | 1.5.0-rc.1 | 1.4.0 | 1.3.2 | 1.3.2 |');
    expect(reply).toContain('| worker | sha-9f2c1e7 | sha-9f2c1e7 | sha-41ab0d3 | sha-41ab0d3 |');
    expect(reply).toContain('- ❄️ **prod** frozen until 2026-11-30T07:00:00.000Z');
  });

  it('canary: "not configured" without canary:, else one analysis through the injected use case', async () => {
    const w = world();
    await w.run('/gantry canary');
    expect(w.replies()[0]).toBe(
      '😕 `/gantry canary` canary analysis is not configured: shop/gitops has no `canary:` section in .gantry.yml',
    );
    const files = Object.fromEntries(w.forge.filesAt(GITOPS, 'main'));
    files['.gantry.yml'] += `canary:
  prometheus: https://prometheus.example.com
  selectors: { canary: { track: canary }, baseline: { track: stable } }
  metrics: [{ name: error-rate, query: 'sum(rate(errors{SELECTOR}[1m]))' }]
`;
    w.forge.seed(GITOPS, files);
    w.forge.addPullRequest(GITOPS, { head: 'feature/other' });
    await w.run('/gantry canary', { number: 1 });
    expect(w.replies()[1]).toBe('😕 `/gantry canary` canary analysis is not available on this gantry server');
    const asked: unknown[] = [];
    w.deps.analyzeNow = async (request) => {
      asked.push({ ...request, forge: request.forge.kind, config: Object.keys(request.config) });
      return { verdict: 'pass', summary: '3 metrics within bounds', url: 'https://forge.example/report' };
    };
    await w.run('/gantry canary --window 15m', { number: 2 });
    expect(asked).toEqual([
      {
        forge: kind,
        repo: GITOPS,
        number: 2,
        isPullRequest: true,
        window: '15m',
        requestedBy: 'alice',
        config: ['version', 'apps', 'environments', 'canary'],
      },
    ]);
    expect(w.replies()[2]).toBe(
      '🚀 `/gantry canary --window 15m` canary analysis: **pass**, 3 metrics within bounds https://forge.example/report',
    );
  });

  it('help, an unknown verb and an unknown environment: did-you-mean and the help, nothing changed', async () => {
    const { forge, run, replies } = world();
    await run('/gantry help\n/gantry promot prod\n/gantry promote prdo');
    const [help, verb, env] = replies();
    expect(help).toMatch(/^🚀 `\/gantry help`\n\n\*\*gantry commands\*\*/);
    expect(verb).toMatch(
      /^😕 `\/gantry promot prod` unknown command "promot" \(did you mean "promote"\?\)\n\n\*\*gantry commands\*\*/,
    );
    expect(env).toMatch(
      /^😕 `\/gantry promote prdo` unknown environment "prdo" \(did you mean "prod"\?\); expected one of: dev, staging, prod, prod\/eu-west, prod\/us-east\n\n\*\*gantry commands\*\*/,
    );
    expect(forge.writes()).toEqual([
      `addReaction ${GITOPS} eyes`,
      `createComment ${GITOPS} 1`,
      `createComment ${GITOPS} 1`,
      `createComment ${GITOPS} 1`,
    ]);
  });

  it('runs several commands in order, one reply each; more than five run none', async () => {
    const { run, replies } = world();
    await run('/gantry freeze dev\n/gantry status\n/gantry unfreeze dev');
    expect(replies().map((r) => r.split(' ')[0])).toEqual(['🚀', '🚀', '🚀']);
    expect(replies()[1]).toContain('❄️ **dev** frozen until unfrozen by alice');
    await run(Array(6).fill('/gantry status').join('\n'), { number: 5 });
    expect(replies()[3]).toBe(
      '😕 this comment has 6 commands; at most 5 are run from one comment. Nothing was run.',
    );
  });

  it('acts once on an identical command repeated within a minute, and not at all on a redelivered comment', async () => {
    const { forge, deps, comment, run, replies, clock } = world();
    await run('/gantry freeze dev');
    const commits = () => forge.writes().filter((w) => w.startsWith('commit')).length;
    expect(commits()).toBe(1);
    await run('/gantry  FREEZE   dev');
    expect(replies()[1]).toBe(
      '👌 `/gantry  FREEZE   dev` the same command was acted on in this thread less than a minute ago; it runs once',
    );
    const event = comment('/gantry unfreeze dev');
    await onComment(deps, event);
    const writes = forge.writes().length;
    expect(await onComment(deps, event)).toEqual({ action: 'ignored', detail: 'comment already handled' });
    expect(forge.writes()).toHaveLength(writes);
    clock.advance(61_000);
    await run('/gantry freeze dev');
    expect(commits()).toBe(3);
    written = forge.comments.map((c) => c.body);
  });

  it('answers on an issue through the issue endpoints', async () => {
    const { forge, run } = world();
    await run('/gantry status', { isPullRequest: false, number: 12 });
    expect(forge.reactions[0]!.target).toEqual({ kind: 'comment', id: 9000, pullRequest: 12, issue: true });
    expect(forge.comments[0]).toMatchObject({ pullRequest: 12, issue: true });
  });

  it('reacts to review comments through their own endpoint, and still answers when a reaction or a reply fails', async () => {
    const { forge, run, replies } = world();
    await run('/gantry status', { reviewComment: true });
    expect(forge.reactions[0]!.target).toEqual({ kind: 'comment', id: 9000, pullRequest: 1, review: true });
    forge.addReaction = async () => {
      throw new Error('reactions are down');
    };
    const create = forge.createComment.bind(forge);
    let failures = 1;
    forge.createComment = async (...args) => {
      if (failures-- > 0) throw new Error('comments are down');
      return create(...args);
    };
    const outcome = await run('/gantry freeze dev\n/gantry status', { number: 4, isPullRequest: false });
    expect(outcome).toEqual({ action: 'answered', detail: 'freeze dev: 🚀; status: 🚀' });
    expect(replies()).toHaveLength(2);
    expect(forge.filesAt(GITOPS, 'main').has('.gantry/freeze.yml')).toBe(true);
  });

  it('from an app repository, acts on its GitOps repository and means its app', async () => {
    const { forge, run } = world();
    await run('/gantry promote staging', { repo: 'shop/web', isPullRequest: false, number: 3 });
    expect(
      forge.pullRequests.filter((p) => p.head.startsWith('gantry/')).map((p) => [p.repo, p.head]),
    ).toEqual([[GITOPS, 'gantry/staging/web']]);
    expect(forge.comments[0]).toMatchObject({ repo: 'shop/web', pullRequest: 3 });
    expect(forge.comments[0]!.body).toMatch(/^🚀/);
  });
});
