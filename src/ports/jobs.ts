/**
 * Durable delayed jobs (canary watches). Implemented by BullMQ on Redis when REDIS_URL is
 * set, in-process otherwise. Handlers must be idempotent: a job may run again after a crash.
 */

export interface JobOptions {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Deduplication key: enqueueing an id that is waiting or running again is a no-op. */
  id?: string;
}

export type JobHandler<Payload> = (payload: Payload, meta: { id: string; attempt: number }) => Promise<void>;

export interface Jobs {
  enqueue<Payload>(queue: string, payload: Payload, options?: JobOptions): Promise<{ id: string }>;
  /** Starts handling jobs of `queue`; one handler per queue. */
  process<Payload>(queue: string, handler: JobHandler<Payload>): void;
  /** Stops taking new jobs and waits for running ones. */
  close(): Promise<void>;
  /** Human-readable, for start-up logs: `redis (BullMQ)` or `in-process (not durable)`. */
  readonly description: string;
}
