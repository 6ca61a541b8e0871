import type { JobHandler, JobOptions, Jobs } from '../../ports/jobs.ts';

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
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Jobs on timers in this process: what `gantry serve` uses without REDIS_URL. Not durable —
 * a restart forgets every scheduled job (a canary watch then stops where it was) — and not
 * shared between replicas; it says so in `description`, which the server logs at start-up.
 */
export class InProcessJobs implements Jobs {
  readonly description = 'in-process (not durable: a restart forgets scheduled jobs; set REDIS_URL)';
  readonly #handlers = new Map<string, JobHandler<unknown>>();
  /** Waiting, delayed and running jobs by queue and id: the deduplication set. */
  readonly #entries = new Map<string, Entry>();
  /** Jobs whose time came before their queue had a handler. */
  readonly #ready: Entry[] = [];
  readonly #running = new Set<Promise<void>>();
  readonly #log: JobsLog | undefined;
  #closing = false;
  #sequence = 0;

  constructor(options: { log?: JobsLog } = {}) {
    this.#log = options.log;
  }

  async enqueue<Payload>(queue: string, payload: Payload, options: JobOptions = {}): Promise<{ id: string }> {
    const id = options.id ?? `${++this.#sequence}`;
    const key = `${queue}\u0000${id}`;
    if (this.#entries.has(key)) return { id };
    if (this.#closing) {
      this.#log?.warn({ queue, id }, 'in-process jobs are closing: job not kept');
      return { id };
    }
    const entry: Entry = { queue, id, payload, options, attempt: 0 };
    this.#entries.set(key, entry);
    this.#schedule(entry, options.delayMs ?? 0);
    return { id };
  }

  process<Payload>(queue: string, handler: JobHandler<Payload>): void {
    if (this.#handlers.has(queue)) throw new Error(`queue "${queue}" already has a handler`);
    this.#handlers.set(queue, handler as JobHandler<unknown>);
    for (const entry of this.#ready.splice(0)) this.#start(entry);
  }

  async close(): Promise<void> {
    this.#closing = true;
    for (const entry of this.#entries.values()) clearTimeout(entry.timer);
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
    this.#entries.clear();
    this.#ready.length = 0;
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
    const running = handler(entry.payload, { id: entry.id, attempt: entry.attempt }).then(
      () => this.#finish(entry),
      (error: unknown) => this.#failed(entry, error),
    );
    this.#running.add(running);
    running.finally(() => this.#running.delete(running));
  }

  #failed(entry: Entry, error: unknown): void {
    const attempts = entry.options.attempts ?? 1;
    const fields = { queue: entry.queue, id: entry.id, attempt: entry.attempt, err: error };
    if (entry.attempt < attempts && !this.#closing) {
      this.#log?.warn(fields, `job ${entry.id} failed, retrying: ${(error as Error).message}`);
      this.#schedule(entry, (entry.options.backoffMs ?? 1000) * 2 ** (entry.attempt - 1));
      return;
    }
    this.#log?.error(fields, `job ${entry.id} failed: ${(error as Error).message}`);
    this.#finish(entry);
  }

  #finish(entry: Entry): void {
    this.#entries.delete(`${entry.queue}\u0000${entry.id}`);
  }
}
