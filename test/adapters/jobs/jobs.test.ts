import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BullMqJobs, decodeId, encodeId, redacted } from '../../../src/adapters/jobs/bullmq.ts';
import { InProcessJobs } from '../../../src/adapters/jobs/in-process.ts';
import { type Jobs, RetryLater } from '../../../src/ports/jobs.ts';
import { type RunningRedis, startRedis } from '../../support/redis.ts';

let redis: RunningRedis;
let prefixes = 0;
const open: Jobs[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((j) => j.close()));
});

/** A fresh key prefix per test keeps tests apart on the one server. */
function bullmq(prefix = `t${++prefixes}`, extra: Partial<ConstructorParameters<typeof BullMqJobs>[0]> = {}) {
  const jobs = new BullMqJobs({ url: redis.url, prefix, ...extra });
  open.push(jobs);
  return jobs;
}

function inProcess() {
  const jobs = new InProcessJobs();
  open.push(jobs);
  return jobs;
}

/** Resolves with the runs once `count` of them happened. */
function recorder<T>(count: number) {
  const runs: Array<{ payload: T; id: string; attempt: number }> = [];
  const enqueuedAt: number[] = [];
  let done!: () => void;
  const reached = new Promise<void>((resolve) => {
    done = resolve;
  });
  return {
    runs,
    enqueuedAt,
    reached,
    record(payload: T, meta: { id: string; attempt: number; enqueuedAt: number }) {
      runs.push({ payload, id: meta.id, attempt: meta.attempt });
      enqueuedAt.push(meta.enqueuedAt);
      if (runs.length === count) done();
    },
  };
}

describe.each([
  ['in-process', inProcess],
  ['BullMQ on redis-server', () => bullmq()],
])('Jobs contract: %s', (_name, make) => {
  it('runs a delayed job once with its payload, id and attempt', async () => {
    const jobs = make();
    const seen = recorder<{ n: number }>(1);
    jobs.process<{ n: number }>('q', async (payload, meta) => seen.record(payload, meta));
    expect(await jobs.enqueue('q', { n: 1 }, { delayMs: 50, id: 'watch/shop/gitops#1:abc' })).toEqual({
      id: 'watch/shop/gitops#1:abc',
    });
    await seen.reached;
    expect(seen.runs).toEqual([{ payload: { n: 1 }, id: 'watch/shop/gitops#1:abc', attempt: 1 }]);
  });

  it('ignores an id that is already waiting, and takes it again once its job finished', async () => {
    const jobs = make();
    const seen = recorder<{ n: number }>(2);
    jobs.process<{ n: number }>('q', async (payload, meta) => seen.record(payload, meta));
    await jobs.enqueue('q', { n: 1 }, { delayMs: 100, id: 'same' });
    await jobs.enqueue('q', { n: 2 }, { delayMs: 0, id: 'same' });
    await jobs.enqueue('q', { n: 3 }, { id: 'other' });
    await seen.reached;
    expect(seen.runs.map((r) => r.payload.n).sort()).toEqual([1, 3]);
    const again = recorder<{ n: number }>(1);
    jobs.process<{ n: number }>('r', async (payload, meta) => again.record(payload, meta));
    await jobs.enqueue('r', { n: 4 }, { id: 'same' });
    await again.reached;
    expect(again.runs).toEqual([{ payload: { n: 4 }, id: 'same', attempt: 1 }]);
  });

  it('retries a failing handler up to its attempts, counting them', async () => {
    const jobs = make();
    const seen = recorder<string>(3);
    jobs.process<string>('q', async (payload, meta) => {
      seen.record(payload, meta);
      if (meta.attempt < 3) throw new Error(`transient ${meta.attempt}`);
    });
    await jobs.enqueue('q', 'x', { id: 'flaky', attempts: 3, backoffMs: 10 });
    await seen.reached;
    expect(seen.runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
  });

  it('runs a job that throws RetryLater again after the delay: same id, next attempt, same enqueuedAt, attempts not used up', async () => {
    const jobs = make();
    const seen = recorder<string>(3);
    const before = Date.now();
    const times: number[] = [];
    jobs.process<string>('q', async (payload, meta) => {
      seen.record(payload, meta);
      times.push(Date.now());
      if (meta.attempt < 3) throw new RetryLater(150);
    });
    await jobs.enqueue('q', 'x', { id: 'later' });
    await seen.reached;
    expect(seen.runs.map((r) => [r.id, r.attempt])).toEqual([
      ['later', 1],
      ['later', 2],
      ['later', 3],
    ]);
    expect(new Set(seen.enqueuedAt).size).toBe(1);
    expect(seen.enqueuedAt[0]).toBeGreaterThanOrEqual(before - 5);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(140);
    // While it waits for its retry, the id is taken: a replay is the same job.
    const again = recorder<string>(1);
    jobs.process<string>('r', async (payload, meta) => {
      again.record(payload, meta);
      if (meta.attempt === 1) throw new RetryLater(150);
    });
    await jobs.enqueue('r', 'first', { id: 'd' });
    await new Promise((r) => setTimeout(r, 50));
    await jobs.enqueue('r', 'replay', { id: 'd' });
    await new Promise((r) => setTimeout(r, 400));
    expect(again.runs.map((r) => r.payload)).toEqual(['first', 'first']);
  });

  it('remembers a completed id for rememberMs (a late replay is a no-op); a failed job frees its id', async () => {
    const jobs = make();
    const ran: string[] = [];
    jobs.process<string>('q', async (payload) => {
      ran.push(payload);
      if (payload.startsWith('fail')) throw new Error('permanent');
    });
    await jobs.enqueue('q', 'once', { id: 'done', rememberMs: 60_000 });
    await jobs.enqueue('q', 'fail-1', { id: 'failed', rememberMs: 60_000 });
    await waitUntil(() => ran.length === 2);
    await new Promise((r) => setTimeout(r, 100));
    await jobs.enqueue('q', 'replayed', { id: 'done', rememberMs: 60_000 });
    await jobs.enqueue('q', 'fail-2', { id: 'failed', rememberMs: 60_000 });
    await waitUntil(() => ran.length === 3);
    await new Promise((r) => setTimeout(r, 100));
    expect(ran.sort()).toEqual(['fail-1', 'fail-2', 'once']);
  });

  it('holds jobs until their queue has a handler, and close waits for a running job', async () => {
    const jobs = make();
    await jobs.enqueue('q', 'early', { id: 'early' });
    let finished = false;
    const started = recorder<string>(1);
    jobs.process<string>('q', async (payload, meta) => {
      started.record(payload, meta);
      await new Promise((r) => setTimeout(r, 100));
      finished = true;
    });
    await started.reached;
    await jobs.close();
    expect(finished).toBe(true);
  });
});

describe('in-process jobs', () => {
  it('says it is not durable', () => {
    expect(new InProcessJobs().description).toMatch(/not durable/);
  });

  it('idle(queue) waits for waiting, retrying and running jobs of that queue only', async () => {
    const jobs = inProcess();
    let done = false;
    jobs.process<string>('q', async (_p, meta) => {
      if (meta.attempt === 1) throw new RetryLater(100);
      done = true;
    });
    await jobs.enqueue('other', 'never handled');
    await jobs.enqueue('q', 'x');
    await jobs.idle('q');
    expect(done).toBe(true);
  });
});

async function waitUntil(check: () => boolean, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('BullMQ jobs on a real redis-server', () => {
  it('keeps delayed jobs in Redis: another instance (a restarted process) runs them', async () => {
    const producer = bullmq('handover');
    await producer.enqueue('q', { step: 2 }, { delayMs: 200, id: 'step-2' });
    await producer.close();
    expect(await redis.command('ZCARD', 'handover:q:delayed')).toBe(':1\r\n');
    const seen = recorder<{ step: number }>(1);
    bullmq('handover').process<{ step: number }>('q', async (payload, meta) => seen.record(payload, meta));
    await seen.reached;
    expect(seen.runs).toEqual([{ payload: { step: 2 }, id: 'step-2', attempt: 1 }]);
  });

  it('runs a job again on another worker when its worker died mid-run', async () => {
    const options = { lockDurationMs: 600, stalledIntervalMs: 200 };
    const crashing = bullmq('crash', options);
    const first = recorder<string>(1);
    crashing.process<string>('q', async (payload, meta) => {
      first.record(payload, meta);
      await new Promise(() => {}); // never acknowledged: the process "dies" here
    });
    await crashing.enqueue('q', 'analysis', { id: 'step-1' });
    await first.reached;
    await crashing.abandon();
    open.splice(open.indexOf(crashing), 1);
    const second = recorder<string>(1);
    bullmq('crash', options).process<string>('q', async (payload, meta) => second.record(payload, meta));
    await second.reached;
    expect(second.runs).toEqual([{ payload: 'analysis', id: 'step-1', attempt: 2 }]);
    expect(await redis.command('ZCARD', 'crash:q:delayed')).toBe(':0\r\n');
  });

  it('describes itself without the password', () => {
    expect(redacted('redis://user:secret@cache:6379/2')).toBe('redis://user:***@cache:6379/2');
    expect(bullmq().description).toBe(`redis (BullMQ, durable) at ${redis.url}`);
  });

  it('maps ids BullMQ refuses (":" and all digits) reversibly', () => {
    for (const id of ['a:b', '123', '%3A', '%23123', 'x%y', 'shop/gitops#4@abc/2']) {
      const encoded = encodeId(id);
      expect(encoded).not.toContain(':');
      expect(encoded).not.toMatch(/^[0-9]+$/);
      expect(decodeId(encoded)).toBe(id);
    }
  });
});
