import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLock } from '../../../src/adapters/jobs/redis-lock.ts';
import { ConflictError } from '../../../src/core/errors.ts';
import { type RunningRedis, startRedis } from '../../support/redis.ts';

let redis: RunningRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RedisLock on a real redis-server (replicas as separate connections)', () => {
  it('serialises one key across replicas, not different keys; the holder renews past its ttl', async () => {
    const [a, b] = [
      new RedisLock({ url: redis.url, prefix: 's', ttlMs: 300 }),
      new RedisLock({ url: redis.url, prefix: 's', ttlMs: 300 }),
    ];
    const events: string[] = [];
    const job = (lock: RedisLock, name: string, key: string, ms: number) =>
      lock.run(key, async () => {
        events.push(`${name} in`);
        await sleep(ms);
        events.push(`${name} out`);
      });
    // a holds for 700 ms, more than twice its ttl: renewal keeps b out.
    await Promise.all([
      job(a, 'a', 'shop/gitops', 700),
      sleep(30).then(() => job(b, 'b', 'shop/gitops', 10)),
    ]);
    expect(events).toEqual(['a in', 'a out', 'b in', 'b out']);
    events.length = 0;
    await Promise.all([job(a, 'a', 'one', 200), job(b, 'b', 'two', 200)]);
    expect(events.slice(0, 2).sort()).toEqual(['a in', 'b in']);
    await Promise.all([a.close(), b.close()]);
  });

  it('a holder that died (no renewals) frees the key after its ttl; a waiter past waitMs gets ConflictError', async () => {
    const crashed = new RedisLock({ url: redis.url, prefix: 'c', ttlMs: 300 });
    const started = new Promise<void>((resolve) => {
      void crashed.run('repo', async () => {
        resolve();
        await new Promise(() => {});
      });
    });
    await started;
    await crashed.close(); // the process is gone: nobody renews
    const impatient = new RedisLock({ url: redis.url, prefix: 'c', ttlMs: 300, waitMs: 50 });
    await expect(impatient.run('repo', async () => 'never')).rejects.toBeInstanceOf(ConflictError);
    const patient = new RedisLock({ url: redis.url, prefix: 'c', ttlMs: 300, waitMs: 2000 });
    const at = Date.now();
    expect(await patient.run('repo', async () => 'ran')).toBe('ran');
    expect(Date.now() - at).toBeLessThan(1500);
    await Promise.all([impatient.close(), patient.close()]);
  });
});
