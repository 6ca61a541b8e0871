import type { BotDeps, Log, Outcome } from '../../app/deps.ts';
import { KeyedLock } from '../../app/keyed-lock.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Forge, RepoPath } from '../../ports/forge.ts';
import { instrumentForge, type Telemetry } from './telemetry.ts';

/**
 * Runs use cases for the webhook entries: builds their dependencies, measures them, and keeps
 * track of work in flight so that a shutdown can finish it before the process exits.
 */
export class BotRunner {
  readonly telemetry: Telemetry;
  readonly log: Log;
  readonly clock: Clock;
  readonly lock = new KeyedLock();
  /** What every use case may use besides the forge: jobs (canary watches), metrics. */
  readonly services: Pick<BotDeps, 'jobs' | 'metricsFor'>;
  readonly #inFlight = new Set<Promise<unknown>>();
  #accepting = true;

  constructor(
    telemetry: Telemetry,
    log: Log,
    clock: Clock,
    services: Pick<BotDeps, 'jobs' | 'metricsFor'> = {},
  ) {
    this.telemetry = telemetry;
    this.log = log;
    this.clock = clock;
    this.services = services;
  }

  get accepting(): boolean {
    return this.#accepting;
  }

  /** Use-case dependencies around a forge (instrumented) and a way to reach other repositories. */
  deps(forge: Forge, forgeFor: (repo: RepoPath) => Promise<Forge>): BotDeps {
    const instrumented = instrumentForge(forge, this.telemetry);
    return {
      forge: instrumented,
      forgeFor: async (repo) => instrumentForge(await forgeFor(repo), this.telemetry),
      clock: this.clock,
      log: this.log,
      lock: this.lock,
      record: (_event, outcome) => this.telemetry.promotions.inc({ action: outcome }),
      ...this.services,
    };
  }

  /** Runs one delivery's work, counted and timed; its promise is tracked until settled. */
  run(forge: 'github' | 'gitlab', event: string, work: () => Promise<Outcome>): Promise<Outcome> {
    const stop = this.telemetry.duration.startTimer({ forge, event });
    const running = work().then(
      (outcome) => {
        stop();
        this.telemetry.deliveries.inc({ forge, event, outcome: outcome.action });
        this.log.info({ forge, event, ...outcome }, `${forge} ${event}: ${outcome.action}`);
        return outcome;
      },
      (error: unknown) => {
        stop();
        this.telemetry.deliveries.inc({ forge, event, outcome: 'error' });
        this.log.error({ forge, event, err: error }, `${forge} ${event} failed: ${(error as Error).message}`);
        throw error;
      },
    );
    this.#inFlight.add(running);
    running.then(
      () => this.#inFlight.delete(running),
      () => this.#inFlight.delete(running),
    );
    return running;
  }

  /** Resolves when no work is in flight (tests, and shutdown after `stopAccepting`). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  stopAccepting(): void {
    this.#accepting = false;
  }
}
