/**
 * Durable delayed jobs (canary watches). Implemented by BullMQ on Redis when REDIS_URL is
 * set, in-process otherwise. Handlers must be idempotent: a job may run again after a crash
 * (a worker that dies mid-job leaves it to be picked up again), and a payload must hold all a
 * handler needs, since the process that runs it may not be the one that enqueued it.
 */

export interface JobOptions {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /**
   * Deduplication key: enqueueing an id whose job is waiting, delayed or running is a no-op.
   * Once the job has finished (done, or failed for good) the id may be used again.
   */
  id?: string;
  /** Runs in all when the handler throws (default 1), spaced by exponential backoff. */
  attempts?: number;
  /** Pause before the second attempt; doubles for each further one (default 1 s). */
  backoffMs?: number;
  /**
   * After the job completed, its id stays taken this long: a replayed webhook delivery that
   * arrives after its job ran is a no-op too. A job that failed frees its id at once, so a
   * delivery redelivered by hand after a fix runs again. Default 0.
   */
  rememberMs?: number;
}

/**
 * Thrown by a handler to run the same job again (same id, next attempt) no earlier than
 * `delayMs` from now; it does not count against `attempts`. The handler decides when to give
 * up (a deadline, a permanent error); the adapter only keeps the job, in Redis when durable.
 */
export class RetryLater extends Error {
  readonly delayMs: number;
  constructor(delayMs: number, options?: ErrorOptions) {
    super(`retry in ${Math.round(delayMs)} ms`, options);
    this.name = 'RetryLater';
    this.delayMs = delayMs;
  }
}

/**
 * `attempt` counts runs of this job, from 1; a rerun after a crash counts too. `enqueuedAt`
 * (epoch ms) is when the job was first accepted, for deadlines.
 */
export type JobHandler<Payload> = (
  payload: Payload,
  meta: { id: string; attempt: number; enqueuedAt: number },
) => Promise<void>;

export interface Jobs {
  enqueue<Payload>(queue: string, payload: Payload, options?: JobOptions): Promise<{ id: string }>;
  /** Starts handling jobs of `queue`; one handler per queue. */
  process<Payload>(queue: string, handler: JobHandler<Payload>): void;
  /**
   * Stops taking new jobs and waits for running ones. `enqueue` still accepts jobs meanwhile,
   * so a finishing handler can schedule its follow-up (which only a durable adapter keeps).
   */
  close(): Promise<void>;
  /**
   * Resolves when this process holds no waiting, delayed or running job of `queue` (the
   * in-process adapter; tests and a draining shutdown). Durable adapters leave jobs in Redis
   * for any replica, so they need not implement it.
   */
  idle?(queue: string): Promise<void>;
  /** Human-readable, for start-up logs: `redis (BullMQ) …` or `in-process (not durable …)`. */
  readonly description: string;
}
