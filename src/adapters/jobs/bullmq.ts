import { DelayedError, type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type JobHandler, type JobOptions, type Jobs, RetryLater } from '../../ports/jobs.ts';
import type { JobsLog } from './in-process.ts';

export interface BullMqOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS). */
  url: string;
  /** Prefix of every Redis key; replicas that share jobs share it. Default `gantry`. */
  prefix?: string;
  /**
   * How long a running job is owned without its worker renewing the lock: after a crash the
   * job runs again once this has passed (and the next stalled check, every `stalledIntervalMs`,
   * has seen it). Defaults 30 s and 30 s.
   */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Jobs of one queue run at once in this process. Default 4. */
  concurrency?: number;
  log?: JobsLog;
}

/** Completed jobs kept for `rememberMs` per queue, at most (bounds Redis memory). */
const REMEMBER_AT_MOST = 20_000;

/**
 * Durable jobs on Redis with BullMQ: delayed jobs live in Redis, so a restarted or another
 * replica's worker runs them; a job whose worker died mid-run is taken up again. Two
 * connections: enqueueing fails fast while Redis is unreachable (a webhook must not hang),
 * workers wait and reconnect.
 */
export class BullMqJobs implements Jobs {
  readonly description: string;
  readonly #options: BullMqOptions;
  readonly #producer: Redis;
  readonly #consumer: Redis;
  readonly #queues = new Map<string, Queue>();
  readonly #workers: Worker[] = [];

  constructor(options: BullMqOptions) {
    this.#options = options;
    this.description = `redis (BullMQ, durable) at ${redacted(options.url)}`;
    this.#producer = new Redis(options.url, { maxRetriesPerRequest: 3, enableOfflineQueue: false });
    // BullMQ's blocking reads need commands that are retried for as long as it takes.
    this.#consumer = new Redis(options.url, { maxRetriesPerRequest: null });
    for (const connection of [this.#producer, this.#consumer]) {
      connection.on('error', (error: Error) => this.#log('warn', { err: error }, `redis: ${error.message}`));
    }
  }

  async enqueue<Payload>(queue: string, payload: Payload, options: JobOptions = {}): Promise<{ id: string }> {
    const job = await this.#queue(queue).add(queue, payload, {
      ...(options.id !== undefined ? { jobId: encodeId(options.id) } : {}),
      delay: Math.max(0, Math.round(options.delayMs ?? 0)),
      attempts: options.attempts ?? 1,
      backoff: { type: 'exponential', delay: options.backoffMs ?? 1000 },
      // Finished jobs leave Redis, so their id can be used again (the port's dedup semantics);
      // completed ones only after `rememberMs`, failed ones at once.
      removeOnComplete: options.rememberMs
        ? { age: Math.ceil(options.rememberMs / 1000), count: REMEMBER_AT_MOST }
        : true,
      removeOnFail: true,
    });
    return { id: options.id ?? job.id ?? '' };
  }

  process<Payload>(queue: string, handler: JobHandler<Payload>): void {
    const worker = new Worker(
      queue,
      async (job: Job, token?: string) => {
        try {
          await handler(job.data as Payload, {
            id: decodeId(job.id ?? ''),
            attempt: Math.max(1, job.attemptsStarted ?? job.attemptsMade + 1),
            enqueuedAt: job.timestamp,
          });
        } catch (error) {
          if (!(error instanceof RetryLater)) throw error;
          // The same job, back in Redis's delayed set: any replica's worker takes it up then.
          await job.moveToDelayed(Date.now() + Math.max(0, Math.round(error.delayMs)), token);
          throw new DelayedError();
        }
      },
      {
        connection: this.#consumer,
        prefix: this.#options.prefix ?? 'gantry',
        concurrency: this.#options.concurrency ?? 4,
        lockDuration: this.#options.lockDurationMs ?? 30_000,
        stalledInterval: this.#options.stalledIntervalMs ?? 30_000,
      },
    );
    worker.on('error', (error: Error) => this.#log('warn', { queue, err: error }, `jobs: ${error.message}`));
    worker.on('failed', (job: Job | undefined, error: Error) =>
      this.#log('error', { queue, id: job?.id, err: error }, `job ${job?.id} failed: ${error.message}`),
    );
    this.#workers.push(worker);
  }

  /** Running jobs finish (and may enqueue their follow-up), then the connections close. */
  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.close()));
    await this.#shutdown();
  }

  /**
   * Lets go like a crash would: running jobs are abandoned (their handlers never settle them),
   * locks are left to expire, and another worker takes the jobs up. For durability tests.
   */
  async abandon(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.close(true)));
    await this.#shutdown();
  }

  async #shutdown(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((q) => q.close()));
    this.#producer.disconnect();
    this.#consumer.disconnect();
  }

  #queue(name: string): Queue {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.#producer, prefix: this.#options.prefix ?? 'gantry' });
      queue.on('error', (error: Error) => this.#log('warn', { queue: name, err: error }, error.message));
      this.#queues.set(name, queue);
    }
    return queue;
  }

  #log(level: 'warn' | 'error', fields: object, message: string): void {
    this.#options.log?.[level](fields, message);
  }
}

/** BullMQ refuses ids with ":" and all-digit ids; this mapping avoids both and is reversible. */
export function encodeId(id: string): string {
  const escaped = id.replaceAll('%', '%25').replaceAll(':', '%3A');
  return /^[0-9]+$/.test(escaped) ? `%23${escaped}` : escaped;
}

export function decodeId(id: string): string {
  return id.replace(/^%23(?=[0-9]+$)/, '').replace(/%(25|3A)/g, (m) => (m === '%25' ? '%' : ':'));
}

/** The URL without its password, for logs. */
export function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return 'an unparseable REDIS_URL';
  }
}
