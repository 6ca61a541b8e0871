import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { ConflictError, RetryableError } from '../../core/errors.ts';
import type { RepoLock } from '../../ports/lock.ts';
import type { JobsLog } from './in-process.ts';

export interface RedisLockOptions {
  url: string;
  /** Prefix of the lock keys; replicas that share locks share it. Default `gantry`. */
  prefix?: string;
  /** The lock expires this long after its last renewal (a crashed holder frees it). Default 30 s. */
  ttlMs?: number;
  /** How long to wait for a held lock before giving up with ConflictError (the job retries). Default 60 s. */
  waitMs?: number;
  log?: JobsLog;
}

/** Renew only while we still hold it; release only our own. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * A lock per key shared by replicas on Redis (`SET key value NX PX ttl`, renewed every third of
 * its ttl while the work runs, released only by its holder). Each acquisition takes a fencing
 * token (`INCR`), logged with the holder; gantry's writes are fenced by the compare-and-swap on
 * the branch head, so a holder that stalled past its expiry loses its write instead of
 * overwriting a newer one.
 */
export class RedisLock implements RepoLock {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlMs: number;
  readonly #waitMs: number;
  readonly #log: JobsLog | undefined;

  constructor(options: RedisLockOptions) {
    this.#redis = new Redis(options.url, { maxRetriesPerRequest: 3, lazyConnect: true });
    this.#redis.on('error', (error: Error) =>
      this.#log?.warn({ err: error }, `redis lock: ${error.message}`),
    );
    this.#prefix = options.prefix ?? 'gantry';
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#waitMs = options.waitMs ?? 60_000;
    this.#log = options.log;
  }

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const name = `${this.#prefix}:lock:${key}`;
    const { value, fence } = await this.#acquire(key, name);
    let lost = false;
    const renew = setInterval(
      () => {
        this.#redis.eval(RENEW, 1, name, value, String(this.#ttlMs)).then(
          (held) => {
            if (held === 0 && !lost) {
              lost = true;
              this.#log?.warn({ key, fence }, `redis lock on ${key} was lost while held (fence ${fence})`);
            }
          },
          () => {},
        );
      },
      Math.max(50, Math.floor(this.#ttlMs / 3)),
    );
    renew.unref?.();
    try {
      return await work();
    } finally {
      clearInterval(renew);
      await this.#redis.eval(RELEASE, 1, name, value).catch(() => 0);
    }
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }

  async #acquire(key: string, name: string): Promise<{ value: string; fence: number }> {
    const deadline = Date.now() + this.#waitMs;
    let pause = 20;
    try {
      const fence = await this.#redis.incr(`${this.#prefix}:lock-fence:${key}`);
      const value = `${fence}:${randomUUID()}`;
      for (;;) {
        if ((await this.#redis.set(name, value, 'PX', this.#ttlMs, 'NX')) === 'OK') return { value, fence };
        if (Date.now() + pause > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, pause + Math.random() * pause));
        pause = Math.min(500, pause * 2);
      }
    } catch (error) {
      throw new RetryableError(`redis lock on ${key}: ${(error as Error).message}`, 503, undefined, {
        cause: error,
      });
    }
    throw new ConflictError(`${key} is busy: another replica held its lock for ${this.#waitMs} ms`);
  }
}
