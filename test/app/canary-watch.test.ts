import { describe, expect, it } from 'vitest';
import { proposedOf } from '../../src/app/apply-promotion.ts';
import { analyzeNow } from '../../src/app/canary-now.ts';
import { onMerged } from '../../src/app/on-merged.ts';
import { promoteOnForge } from '../../src/app/promote-on-forge.ts';
import { parseWatchState } from '../../src/core/canary/watch.ts';
import { ValidationError } from '../../src/core/errors.ts';
import { parsePromotionBody, renderPromotionBody } from '../../src/core/promote/pr-body.ts';
import {
  CANARY_GITOPS,
  canaryComments,
  canaryWorld,
  mergePromotion,
  mergePullRequest,
  REPO,
  statusesOn,
} from '../support/canary-world.ts';

const bad = (i: number) => 0.9 + (i % 3) * 0.01;

describe('canary watch: a merge into a canary environment', () => {
  it('is watched step by step, then passes, and only then promotes into the next environment', async () => {
    const world = canaryWorld();
    const { event, outcome } = await mergePromotion(world, 'staging');
    expect(outcome).toEqual({ action: 'commented', pullRequests: [] });
    const next = world.forge.comments.find((c) => c.body.includes('gantry:next'))!;
    expect(next.body).toContain('**prod**: opens when the canary in staging passes');
    expect(world.forge.pullRequests.filter((p) => p.head.startsWith('gantry/prod'))).toEqual([]);
    expect(statusesOn(world, event.mergeSha)).toEqual(['pending']);
    expect(world.jobs.queued.map((j) => j.id)).toEqual([
      `canary/github/${REPO}#1/${event.mergeSha.slice(0, 12)}/1`,
    ]);
    expect(world.jobs.queued[0]!.options.delayMs).toBe(120_000);

    expect(await world.jobs.runAll()).toBe(5);
    expect(world.clock.now().toISOString()).toBe('2026-11-25T12:10:00.000Z');
    // One analysis per step over [merge, now]; the last one over the whole window.
    const ends = world.fake.requests
      .filter((r) => r.query.includes('canary'))
      .map((r) => [r.start.toISOString().slice(11, 16), r.end.toISOString().slice(11, 16), r.stepSeconds]);
    expect(ends).toEqual([
      ['12:00', '12:02', 120],
      ['12:00', '12:04', 120],
      ['12:00', '12:06', 120],
      ['12:00', '12:08', 120],
      ['12:00', '12:10', 120],
    ]);
    const [comment, ...more] = canaryComments(world, 1);
    expect(more).toEqual([]);
    expect(comment!.body).toContain('## ✅ Canary watch passed: web in staging');
    expect(comment!.body).toContain('Final report: 5 of 5 analyses');
    expect(parseWatchState(comment!.body)).toMatchObject({ step: 5, final: { outcome: 'pass' } });
    const prod = world.forge.pullRequests.find((p) => p.head === 'gantry/prod/web')!;
    expect(prod.title).toBe('Promote web to prod: 1.3.0 → 1.5.0');
    expect(comment!.body).toContain(`Promoted further: #${prod.number}.`);
    expect(statusesOn(world, event.mergeSha)).toEqual(['pending', 'success']);
    expect(statusesOn(world, prod.headSha)).toEqual(['success']);
  });

  it('sets pending on the next promotion PR while watching, and its verdict at the end', async () => {
    const world = canaryWorld(CANARY_GITOPS.replace('    auto: true\n    targets', '    targets'));
    const { event } = await mergePromotion(world, 'staging');
    await world.jobs.runNext();
    // Someone opens the prod PR by hand mid-watch: gated from the next analysis on.
    const { outcomes } = await promoteOnForge(world.deps, world.forge, REPO, 'main', {
      kind: 'promote',
      request: { to: 'prod', apps: ['web'] },
    });
    const prod = proposedOf(outcomes[0]!).pullRequest;
    await world.jobs.runNext();
    expect(statusesOn(world, prod.headSha)).toEqual(['pending']);
    world.fake.behaviour.canary = bad;
    await world.jobs.runAll();
    expect(statusesOn(world, prod.headSha)).toEqual(['pending', 'failure']);
    expect(statusesOn(world, event.mergeSha)).toEqual(['pending', 'failure']);
  });

  it('ends early on a critical failure and opens the rollback PR once, however often the last job runs', async () => {
    const world = canaryWorld();
    const { event } = await mergePromotion(world, 'staging');
    world.fake.behaviour.canary = bad;
    await world.jobs.runNext(); // 2 samples: too few to judge, watching on
    expect(world.jobs.queued).toHaveLength(1);
    await world.jobs.runNext(); // 3 samples: latency above max, critical → the end
    expect(world.jobs.queued).toEqual([]);
    const rollbacks = () =>
      world.forge.pullRequests.filter((p) => p.head === 'gantry-rollback/staging/web' && p.state === 'open');
    expect(rollbacks()).toHaveLength(1);
    const rollback = rollbacks()[0]!;
    expect(rollback.title).toBe('Roll back web in staging: 1.5.0 → 1.4.0');
    expect(parsePromotionBody(rollback.body)).toMatchObject({ environment: 'staging', rollback: { of: 1 } });
    expect(
      world.forge.filesAt(REPO, 'gantry-rollback/staging/web').get('envs/staging/values.yaml'),
    ).toContain('tag: "1.4.0"');
    const [comment] = canaryComments(world, 1);
    expect(comment!.body).toContain('## ❌ Canary watch failed: web in staging');
    expect(comment!.body).toContain('A critical metric failed at analysis 2 of 5: the watch ended early.');
    expect(comment!.body).toContain(`Rollback created: ${rollback.url}`);
    expect(comment!.body).toContain('Not promoted further automatically');
    expect(world.forge.pullRequests.some((p) => p.head.startsWith('gantry/prod'))).toBe(false);

    // The worker died after the report, before the job was acknowledged: it runs again.
    const writes = world.forge.writes().length;
    const body = comment!.body;
    await world.jobs.replay(world.jobs.ran.at(-1)!);
    await world.jobs.replay(world.jobs.ran.at(-1)!);
    expect(world.forge.writes()).toHaveLength(writes);
    expect(canaryComments(world, 1).map((c) => c.body)).toEqual([body]);
    expect(statusesOn(world, event.mergeSha)).toEqual(['pending', 'failure']);
    expect(rollbacks()).toHaveLength(1);
  });

  it('repeats an unfinished end safely: the same rollback PR, one report', async () => {
    const world = canaryWorld();
    await mergePromotion(world, 'staging');
    world.fake.behaviour.canary = bad;
    await world.jobs.runAll();
    // Crash between the rollback PR and the final report: the comment still says "watching".
    const comment = canaryComments(world, 1)[0]!;
    const state = parseWatchState(comment.body)!;
    expect(state.final).toBeDefined();
    comment.body = comment.body.replace(/<!-- gantry:canary-state:[^>]*-->/, '');
    await world.jobs.replay(world.jobs.ran.at(-1)!);
    expect(world.forge.pullRequests.filter((p) => p.head.endsWith('/staging/web'))).toHaveLength(2); // merged + rollback
    expect(world.forge.calls.filter((c) => c.startsWith('createPullRequest'))).toHaveLength(2); // staging, rollback
    expect(canaryComments(world, 1)).toHaveLength(1);
    expect(parseWatchState(canaryComments(world, 1)[0]!.body)).toMatchObject({ final: { outcome: 'fail' } });
  });

  it('ignores a job that is behind the reported step, and a redelivered merge only re-queues', async () => {
    const world = canaryWorld();
    const { event } = await mergePromotion(world, 'staging');
    await world.jobs.runNext();
    await world.jobs.runNext();
    const writes = world.forge.writes().length;
    await world.jobs.replay(world.jobs.ran[0]!);
    expect(world.forge.writes()).toHaveLength(writes);
    const queued = world.jobs.queued.map((j) => j.id);
    await onMerged(world.deps, event);
    expect(world.jobs.queued.map((j) => j.id)).toEqual(queued);
    expect(statusesOn(world, event.mergeSha)).toEqual(['pending']);
    // The in-process queue lost the next analysis (a restart): a redelivery re-queues it.
    world.jobs.queued.length = 0;
    await onMerged(world.deps, event);
    expect(world.jobs.queued.map((j) => j.id)).toEqual(queued);
  });

  it('does not roll back a rollback, and says how to roll back by hand with rollback: manual', async () => {
    const world = canaryWorld();
    await mergePromotion(world, 'staging');
    world.fake.behaviour.canary = bad;
    await world.jobs.runAll();
    const rollback = world.forge.pullRequests.find(
      (p) => p.head === 'gantry-rollback/staging/web' && p.state === 'open',
    )!;
    const { event } = await mergePullRequest(world, rollback.number);
    await world.jobs.runAll();
    expect(world.forge.pullRequests.filter((p) => p.state === 'open')).toEqual([]);
    const [comment] = canaryComments(world, rollback.number);
    expect(comment!.body).toContain('This merge was a rollback itself');
    expect(statusesOn(world, event.mergeSha)).toEqual(['pending', 'failure']);

    const manual = canaryWorld(CANARY_GITOPS.replace('rollback: auto', 'rollback: manual'));
    await mergePromotion(manual, 'staging');
    manual.fake.behaviour.canary = bad;
    await manual.jobs.runAll();
    expect(manual.forge.pullRequests.filter((p) => p.state === 'open')).toEqual([]);
    expect(canaryComments(manual, 1)[0]!.body).toContain('Roll back with `/gantry rollback staging`.');
  });

  it('analyses every target of a fan-out environment; one failing target fails the watch', async () => {
    const world = canaryWorld(CANARY_GITOPS.replace('    canary: true', '    canary: { rollback: auto }'));
    await mergePromotion(world, 'staging');
    await world.jobs.runAll();
    const prod = world.forge.pullRequests.find((p) => p.head === 'gantry/prod/web')!;
    const before = world.fake.requests.length;
    const { event } = await mergePullRequest(world, prod.number);
    const queried = () =>
      new Set(world.fake.requests.slice(before).map((r) => /env="([^"]+)"/.exec(r.query)![1]));
    await world.jobs.runNext();
    expect(queried()).toEqual(new Set(['prod/eu', 'prod/us']));
    world.fake.behaviour.canary = (i, query) =>
      query.includes('env="prod/us"') ? bad(i) : 0.2 + (i % 3) * 0.01;
    await world.jobs.runAll();
    const [comment] = canaryComments(world, prod.number);
    expect(comment!.body).toContain('## ❌ Canary watch failed: web in prod');
    expect(comment!.body).toContain('Canary pass: web in prod/eu');
    expect(comment!.body).toContain('Canary fail: web in prod/us');
    const rollback = world.forge.pullRequests.find(
      (p) => p.head === 'gantry-rollback/prod/web' && p.state === 'open',
    )!;
    expect(parsePromotionBody(rollback.body)?.targets.map((t) => [t.target, t.to.tag])).toEqual([
      ['prod/eu', '1.3.0'],
      ['prod/us', '1.3.0'],
    ]);
    expect(statusesOn(world, event.mergeSha)).toEqual(['pending', 'failure']);
  });

  it('stops with error when the canary cannot be analysed, and never passes without data', async () => {
    const world = canaryWorld();
    const { event } = await mergePromotion(world, 'staging');
    world.deps.metricsFor = () => {
      throw new ValidationError('canary.prometheus.auth.tokenEnv names PROMETHEUS_TOKEN, but it is not set');
    };
    await world.jobs.runAll();
    expect(statusesOn(world, event.mergeSha)).toEqual(['pending', 'error']);
    const [comment] = canaryComments(world, 1);
    expect(comment!.body).toContain('## ⚠️ Canary watch stopped: web in staging');
    expect(comment!.body).toContain('PROMETHEUS\\_TOKEN, but it is not set');

    const silent = canaryWorld();
    const merged = await mergePromotion(silent, 'staging');
    silent.fake.behaviour.canary = () => Number.NaN;
    await silent.jobs.runAll();
    expect(statusesOn(silent, merged.event.mergeSha)).toEqual(['pending', 'error']);
    expect(silent.forge.pullRequests.some((p) => p.head.startsWith('gantry/prod'))).toBe(false);
    expect(canaryComments(silent, 1)[0]!.body).toContain('Canary watch was inconclusive');
  });

  it('leaves environments without canary alone: the next one is promoted at once', async () => {
    const world = canaryWorld(
      CANARY_GITOPS.replace('    canary: { window: 10m, step: 2m, rollback: auto }\n', ''),
    );
    const { outcome } = await mergePromotion(world, 'staging');
    expect(outcome.action).toBe('promoted');
    expect(world.jobs.queued).toEqual([]);
    expect(canaryComments(world, 1)).toEqual([]);
  });
});

describe('analyzeNow (/gantry canary)', () => {
  it('posts into the same comment beside the watch, and leaves the final report and state alone', async () => {
    const world = canaryWorld();
    await mergePromotion(world, 'staging');
    await world.jobs.runNext();
    const now = await analyzeNow(world.deps, { repo: REPO, number: 1, window: '4m' });
    expect(now.verdict).toBe('pass');
    expect(now.results.map((r) => [r.environment, r.window.seconds])).toEqual([['staging', 240]]);
    let [comment, ...more] = canaryComments(world, 1);
    expect(more).toEqual([]);
    expect(now.url).toBe(`#${comment!.id}`);
    expect(comment!.body).toContain('Canary watch: web in staging — analysis 1 of 5');
    expect(comment!.body).toContain('Canary analysis on request');
    expect(comment!.body).toContain('Only the watch above sets `gantry/canary`; this analysis does not.');
    await world.jobs.runAll();
    [comment] = canaryComments(world, 1);
    expect(comment!.body).toContain('Canary watch passed');
    expect(comment!.body).toContain('Canary analysis on request');
    const statuses = world.forge.statuses.length;
    await analyzeNow(world.deps, { repo: REPO, number: 1 });
    [comment] = canaryComments(world, 1);
    expect(comment!.body).toContain('Canary watch passed');
    expect(parseWatchState(comment!.body)).toMatchObject({ final: { outcome: 'pass' } });
    expect(world.forge.statuses).toHaveLength(statuses);
    await world.jobs.replay(world.jobs.ran.at(-1)!);
    expect(canaryComments(world, 1)[0]!.body).toBe(comment!.body);
  });

  it('analyses the source environment from an open promotion PR, or what it is told', async () => {
    const world = canaryWorld();
    await mergePromotion(world, 'staging');
    await world.jobs.runAll();
    const prod = world.forge.pullRequests.find((p) => p.head === 'gantry/prod/web')!;
    const open = await analyzeNow(world.deps, { repo: REPO, number: prod.number });
    expect(open.results.map((r) => r.environment)).toEqual(['staging']);
    const told = await analyzeNow(world.deps, {
      repo: REPO,
      number: prod.number,
      app: 'web',
      environment: 'prod',
    });
    expect(told.results.map((r) => r.environment)).toEqual(['prod/eu', 'prod/us']);
    const release = world.forge.addPullRequest(REPO, {
      head: 'gantry/dev/web',
      body: renderPromotionBody({
        metadata: { version: 1, app: 'web', environment: 'dev', source: 'shop/web@v1.6.0', targets: [] },
        files: [],
        notes: [],
      }),
    });
    await expect(analyzeNow(world.deps, { repo: REPO, number: release.number })).rejects.toThrow(
      'this PR promotes from shop/web@v1.6.0, not from an environment: analyse one with `gantry analyze --app APP --env ENV` from the CLI',
    );
    const plain = world.forge.addPullRequest(REPO, { head: 'feature' });
    await expect(analyzeNow(world.deps, { repo: REPO, number: plain.number })).rejects.toThrow(
      /not a gantry promotion PR/,
    );
    await expect(
      analyzeNow(world.deps, { repo: REPO, number: prod.number, window: '15 minutes' }),
    ).rejects.toThrow(/not a duration/);
  });
});
