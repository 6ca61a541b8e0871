import { analyzeNow } from '../../app/canary-now.ts';
import type { ChatOpsDeps } from '../../app/comment-event.ts';
import type { Log, Outcome } from '../../app/deps.ts';
import { KeyedLock } from '../../app/keyed-lock.ts';
import { RecentCommands } from '../../app/recent-commands.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Forge, RepoPath } from '../../ports/forge.ts';
import type { RepoLock } from '../../ports/lock.ts';
import { DELIVERY_QUEUE, type Delivery } from './delivery-jobs.ts';
import { instrumentForge, type Telemetry } from './telemetry.ts';

/** Replays of a delivery that arrive within a day of its job completing are no-ops. */
const REMEMBER_DELIVERY_MS = 24 * 60 * 60_000;

/**
 * Runs use cases for the webhook entries: builds their dependencies, measures them, and keeps
 * track of work in flight so that a shutdown can finish it before the process exits.
 */
/** Settings and services every use case of this server shares. */
export type RunnerServices = Pick<ChatOpsDeps, 'botName' | 'ignoreAuthors' | 'build' | 'jobs' | 'metricsFor'>;

type AnalyzeNowCall = Parameters<NonNullable<ChatOpsDeps['analyzeNow']>>[0];

export class BotRunner {
  readonly telemetry: Telemetry;
  readonly log: Log;
  readonly clock: Clock;
  /** Per repository: in-process, and across replicas when the server adds a Redis lock. */
  readonly lock: RepoLock;
  /** Commands acted on lately: one memory per process, shared by both forges. */
  readonly recent: RecentCommands;
  /** What every use case may use besides the forge: ChatOps settings, jobs (canary watches), metrics. */
  readonly services: RunnerServices;
  readonly #inFlight = new Set<Promise<unknown>>();
  #accepting = true;

  constructor(
    telemetry: Telemetry,
    log: Log,
    clock: Clock,
    services: RunnerServices = {},
    shared?: RepoLock,
  ) {
    const local = new KeyedLock();
    // Waiters of this process queue locally, so only one of them at a time asks Redis.
    this.lock = shared ? { run: (key, work) => local.run(key, () => shared.run(key, work)) } : local;
    this.telemetry = telemetry;
    this.log = log;
    this.clock = clock;
    this.recent = new RecentCommands(clock);
    this.services = services;
  }

  get accepting(): boolean {
    return this.#accepting;
  }

  /** Use-case dependencies around a forge (instrumented) and a way to reach other repositories. */
  deps(forge: Forge, forgeFor: (repo: RepoPath) => Promise<Forge>): ChatOpsDeps {
    const instrumented = instrumentForge(forge, this.telemetry);
    const deps: ChatOpsDeps = {
      ...this.services,
      recent: this.recent,
      forge: instrumented,
      forgeFor: async (repo) => instrumentForge(await forgeFor(repo), this.telemetry),
      clock: this.clock,
      log: this.log,
      lock: this.lock,
      record: (event, outcome) =>
        event === 'promotion'
          ? this.telemetry.promotions.inc({ action: outcome })
          : this.telemetry.releasesRefused.inc({ forge: outcome }),
      // `/gantry canary` runs the watch's analysis now, when this server can reach Prometheus.
      ...(this.services.metricsFor
        ? { analyzeNow: (request: AnalyzeNowCall) => this.#analyzeNow(deps, request) }
        : {}),
    };
    return deps;
  }

  /**
   * Accepts a delivery: one job per delivery id (a replay while it waits, runs or lately
   * completed is the same job). Throws when the jobs backend cannot take it (Redis down), so
   * the webhook is answered with an error and the forge shows the delivery as failed.
   */
  async accept(delivery: Delivery): Promise<void> {
    const jobs = this.services.jobs;
    if (!jobs) throw new Error('no jobs backend to accept deliveries');
    await jobs.enqueue(DELIVERY_QUEUE, delivery, { id: delivery.id, rememberMs: REMEMBER_DELIVERY_MS });
    this.telemetry.accepted.inc({ forge: delivery.forge, event: delivery.event });
  }

  /** Tracks a promise until it settles, so `idle` (and a shutdown) waits for it. */
  track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work);
    work.then(
      () => this.#inFlight.delete(work),
      () => this.#inFlight.delete(work),
    );
    return work;
  }

  async #analyzeNow(deps: ChatOpsDeps, request: AnalyzeNowCall) {
    const result = await analyzeNow(
      { ...deps, forge: instrumentForge(request.forge, this.telemetry) },
      {
        repo: request.repo,
        number: request.number,
        ...(request.app ? { app: request.app } : {}),
        ...(request.environment ? { environment: request.environment } : {}),
        ...(request.window ? { window: request.window } : {}),
      },
    );
    return {
      verdict: result.verdict,
      summary: result.results.map((r) => r.summary).join('; '),
      url: result.url,
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
    this.track(running);
    return running;
  }

  /**
   * Resolves when no work is in flight and no delivery of this process's in-process queue is
   * waiting or retrying (tests, and shutdown after `stopAccepting`).
   */
  async idle(): Promise<void> {
    do {
      await this.services.jobs?.idle?.(DELIVERY_QUEUE);
      while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    } while (this.#inFlight.size > 0);
  }

  stopAccepting(): void {
    this.#accepting = false;
  }
}
