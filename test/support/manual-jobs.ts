import type { JobHandler, JobOptions, Jobs } from '../../src/ports/jobs.ts';

interface Queued {
  queue: string;
  id: string;
  payload: unknown;
  options: JobOptions;
  dueAt: number;
}

/**
 * The Jobs port driven by the test: jobs wait until `runNext`, which moves the injected clock
 * to the job's due time and runs it. Deduplicates ids while a job is queued, like the real
 * adapters; `ran` keeps every payload run, so a test can replay one (a crash before its ack).
 */
export class ManualJobs implements Jobs {
  readonly description = 'manual (tests)';
  readonly queued: Queued[] = [];
  readonly ran: Queued[] = [];
  readonly #handlers = new Map<string, JobHandler<unknown>>();
  readonly #clock: { now(): Date; set(at: Date): void };
  #sequence = 0;

  constructor(clock: { now(): Date; set(at: Date): void }) {
    this.#clock = clock;
  }

  async enqueue<Payload>(queue: string, payload: Payload, options: JobOptions = {}): Promise<{ id: string }> {
    const id = options.id ?? `job-${++this.#sequence}`;
    if (this.queued.some((q) => q.queue === queue && q.id === id)) return { id };
    this.queued.push({
      queue,
      id,
      payload: structuredClone(payload),
      options,
      dueAt: this.#clock.now().getTime() + (options.delayMs ?? 0),
    });
    return { id };
  }

  process<Payload>(queue: string, handler: JobHandler<Payload>): void {
    this.#handlers.set(queue, handler as JobHandler<unknown>);
  }

  async close(): Promise<void> {}

  /** Runs the job due first (moving the clock forward to its time); false when none is left. */
  async runNext(): Promise<boolean> {
    if (this.queued.length === 0) return false;
    const next = this.queued.reduce((a, b) => (b.dueAt < a.dueAt ? b : a));
    this.queued.splice(this.queued.indexOf(next), 1);
    if (next.dueAt > this.#clock.now().getTime()) this.#clock.set(new Date(next.dueAt));
    this.ran.push(next);
    await this.replay(next);
    return true;
  }

  /** Runs every job, including those the jobs enqueue; returns how many ran. */
  async runAll(limit = 100): Promise<number> {
    let count = 0;
    while (count < limit && (await this.runNext())) count++;
    return count;
  }

  /** Runs a job's payload again, as a worker does after a crash before the job was acknowledged. */
  async replay(job: Queued): Promise<void> {
    const handler = this.#handlers.get(job.queue);
    if (!handler) throw new Error(`no handler for queue ${job.queue}`);
    await handler(structuredClone(job.payload), { id: job.id, attempt: 1, enqueuedAt: job.dueAt });
  }
}
