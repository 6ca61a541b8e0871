import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullMqJobs } from '../../src/adapters/jobs/bullmq.ts';
import { CANARY_QUEUE } from '../../src/app/canary-watch.ts';
import { watchHandler } from '../../src/app/canary-watch-step.ts';
import { type BotDeps, noLog } from '../../src/app/deps.ts';
import { KeyedLock } from '../../src/app/keyed-lock.ts';
import { parseWatchState } from '../../src/core/canary/watch.ts';
import { parsePromotionBody } from '../../src/core/promote/pr-body.ts';
import { systemClock } from '../../src/ports/clock.ts';
import {
  CANARY_GITOPS,
  canaryComments,
  canaryWorld,
  mergePromotion,
  REPO,
  statusesOn,
} from '../support/canary-world.ts';
import { type RunningRedis, startRedis } from '../support/redis.ts';

let redis: RunningRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

/** A 3 s watch at 1 s steps; latency fails (not critical), so the watch runs to its end. */
const CONFIG = CANARY_GITOPS.replace(
  'canary: { window: 10m, step: 2m, rollback: auto }',
  'canary: { window: 3s, step: 1s, rollback: auto }',
).replace('      critical: true\n', '');

function until<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('canary watch on BullMQ and a real redis-server', () => {
  it('survives a worker that dies between an analysis and its ack: one final report, one status, one rollback', async () => {
    const world = canaryWorld(CONFIG);
    world.fake.behaviour.canary = (i) => 0.9 + (i % 3) * 0.01;
    const options = { url: redis.url, prefix: 'durable', lockDurationMs: 800, stalledIntervalMs: 200 };
    /** One gantry process: its own jobs connection, lock and clock; the forge is shared (it is GitHub). */
    const processWith = (jobs: BullMqJobs): BotDeps => ({
      ...world.deps,
      clock: systemClock,
      lock: new KeyedLock(),
      jobs,
    });

    const first = new BullMqJobs(options);
    const firstDeps = processWith(first);
    const crashed = until();
    const run = watchHandler(async () => firstDeps, noLog);
    first.process(CANARY_QUEUE, async (payload, meta) => {
      await run(payload, meta);
      if (meta.id.endsWith('/2')) {
        crashed.resolve();
        await new Promise(() => {}); // reported, never acknowledged: the process dies here
      }
    });
    const { event } = await mergePromotion({ ...world, deps: firstDeps }, 'staging');
    await crashed.promise;
    await first.abandon();
    expect(parseWatchState(canaryComments(world, 1)[0]!.body)).toMatchObject({ step: 2 });

    const second = new BullMqJobs(options);
    const secondDeps = processWith(second);
    const runs: Array<{ id: string; attempt: number }> = [];
    const bothRan = until();
    const resume = watchHandler(async () => secondDeps, noLog);
    second.process(CANARY_QUEUE, async (payload, meta) => {
      await resume(payload, meta);
      runs.push(meta);
      if (runs.some((r) => r.id.endsWith('/2')) && runs.some((r) => r.id.endsWith('/3'))) bothRan.resolve();
    });
    await bothRan.promise;
    await second.close();

    // The dead worker's analysis ran again (its second attempt) on the new one.
    expect(runs.find((r) => r.id.endsWith('/2'))).toMatchObject({ attempt: 2 });
    const comments = canaryComments(world, 1);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('## ❌ Canary watch failed: web in staging');
    expect(parseWatchState(comments[0]!.body)).toMatchObject({ step: 3, final: { outcome: 'fail' } });
    expect(statusesOn(world, event.mergeSha)).toEqual(['pending', 'failure']);
    const created = (branch: string) =>
      world.forge.calls.filter((c) => c === `createPullRequest ${REPO} ${branch}`);
    expect(created('gantry/staging/web')).toHaveLength(1); // the promotion that was merged
    expect(created('gantry-rollback/staging/web')).toHaveLength(1); // one rollback
    const rollback = world.forge.pullRequests.find((p) => p.state === 'open')!;
    expect(parsePromotionBody(rollback.body)).toMatchObject({ rollback: { of: 1 } });
    for (const key of [
      'durable:canary-watch:delayed',
      'durable:canary-watch:active',
      'durable:canary-watch:wait',
    ]) {
      const type = key.endsWith('delayed') ? 'ZCARD' : 'LLEN';
      expect(await redis.command(type, key)).toBe(':0\r\n');
    }
  });
});
