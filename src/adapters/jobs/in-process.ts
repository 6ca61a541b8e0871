import { type JobHandler, type JobOptions, type Jobs, RetryLater } from '../../ports/jobs.ts';

/** What the job adapters log to; pino fits. */
export interface JobsLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

interface Entry {
  queue: string;
  id: string;
  payload: unknown;
  options: JobOptions;
  attempt: number;
  /** Failed runs that count against `attempts` (RetryLater does not). */
  failures: number;
  enqueuedAt: number;
  timer?: ReturnType<typeof setTimeout>;
}

const keyOf = (queue: string, id: string) => `${queue}\u0000${id}`;

/**
 * Jobs on timers in this process: what `gantry serve` uses without REDIS_URL. Not durable —
 * a restart forgets every scheduled job (a canary watch then stops where it was, a delivery
 * waiting for its retry is lost) — and not shared between replicas; it says so in
 * `description`, which the server logs at start-up.
 */
export class InProcessJobs implements Jobs {
  readonly description =
    'in-process (not durable: a restart forgets accepted deliveries and scheduled jobs; set REDIS_URL)';
  readonly #handlers = new Map<string, JobHandler<unknown>>();
  /** Waiting, delayed and running jobs by queue and id: the deduplication set. */
  readonly #entries = new Map<string, Entry>();
  /** Completed ids kept taken until the given time (`rememberMs`). */
  readonly #remembered = new Map<string, number>();
  /** Jobs whose time came before their queue had a handler. */
  readonly #ready: Entry[] = [];
  readonly #running = new Set<Promise<void>>();
  readonly #idleWaiters = new Set<() => void>();
  readonly #log: JobsLog | undefined;
  #closing = false;
  #sequence = 0;

  constructor(options: { log?: JobsLog } = {}) {
    this.#log = options.log;
  }

  async enqueue<Payload>(queue: string, payload: Payload, options: JobOptions = {}): Promise<{ id: string }> {
    const id = options.id ?? `${++this.#sequence}`;
    const key = keyOf(queue, id);
    if (this.#entries.has(key)) return { id };
    const until = this.#remembered.get(key);
    if (until !== undefined) {
      if (until > Date.now()) return { id };
      this.#remembered.delete(key);
    }
    if (this.#closing) {
      this.#log?.warn({ queue, id }, 'in-process jobs are closing: job not kept');
      return { id };
    }
    const entry: Entry = { queue, id, payload, options, attempt: 0, failures: 0, enqueuedAt: Date.now() };
    this.#entries.set(key, entry);
    this.#schedule(entry, options.delayMs ?? 0);
    return { id };
  }

  process<Payload>(queue: string, handler: JobHandler<Payload>): void {
    if (this.#handlers.has(queue)) throw new Error(`queue "${queue}" already has a handler`);
    this.#handlers.set(queue, handler as JobHandler<unknown>);
    for (const entry of this.#ready.splice(0)) this.#start(entry);
  }

  async idle(queue: string): Promise<void> {
    while ([...this.#entries.values()].some((e) => e.queue === queue)) {
      await new Promise<void>((resolve) => this.#idleWaiters.add(resolve));
    }
  }

  async close(): Promise<void> {
    this.#closing = true;
    for (const entry of this.#entries.values()) clearTimeout(entry.timer);
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
    const dropped = [...this.#entries.values()];
    if (dropped.length > 0) {
      this.#log?.warn(
        { jobs: dropped.map((e) => `${e.queue}/${e.id}`) },
        `in-process jobs: ${dropped.length} scheduled job(s) dropped at shutdown (not durable)`,
      );
    }
    this.#entries.clear();
    this.#ready.length = 0;
    this.#wake();
  }

  #schedule(entry: Entry, delayMs: number): void {
    entry.timer = setTimeout(() => this.#start(entry), Math.max(0, delayMs));
    // Scheduled jobs alone do not keep a process alive (a CLI run, a test).
    entry.timer.unref?.();
  }

  #start(entry: Entry): void {
    if (this.#closing) return;
    const handler = this.#handlers.get(entry.queue);
    if (!handler) {
      this.#ready.push(entry);
      return;
    }
    entry.attempt++;
    const meta = { id: entry.id, attempt: entry.attempt, enqueuedAt: entry.enqueuedAt };
    const running = handler(entry.payload, meta).then(
      () => this.#finish(entry, true),
      (error: unknown) => this.#failed(entry, error),
    );
    this.#running.add(running);
    running.finally(() => this.#running.delete(running));
  }

  #failed(entry: Entry, error: unknown): void {
    if (error instanceof RetryLater && !this.#closing) {
      this.#schedule(entry, error.delayMs);
      return;
    }
    entry.failures++;
    const attempts = entry.options.attempts ?? 1;
    const fields = { queue: entry.queue, id: entry.id, attempt: entry.attempt, err: error };
    if (entry.failures < attempts && !this.#closing) {
      this.#log?.warn(fields, `job ${entry.id} failed, retrying: ${(error as Error).message}`);
      this.#schedule(entry, (entry.options.backoffMs ?? 1000) * 2 ** (entry.failures - 1));
      return;
    }
    this.#log?.error(fields, `job ${entry.id} failed: ${(error as Error).message}`);
    this.#finish(entry, false);
  }

  #finish(entry: Entry, completed: boolean): void {
    const key = keyOf(entry.queue, entry.id);
    this.#entries.delete(key);
    const remember = entry.options.rememberMs ?? 0;
    if (completed && remember > 0) {
      const now = Date.now();
      if (this.#remembered.size > 10_000) {
        for (const [k, until] of this.#remembered) if (until <= now) this.#remembered.delete(k);
      }
      this.#remembered.set(key, now + remember);
    }
    this.#wake();
  }

  #wake(): void {
    for (const resolve of this.#idleWaiters) resolve();
    this.#idleWaiters.clear();
  }
}
