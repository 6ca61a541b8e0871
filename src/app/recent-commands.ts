import type { Clock } from '../ports/clock.ts';

/**
 * What this process acted on lately, so that the same command typed twice in a thread within
 * a minute acts once, and a webhook delivered twice is handled once. Bounded (oldest entries
 * are forgotten first) and per process: replicas do not share it, and rely on every command
 * being idempotent instead (a promotion or rollback PR that already says the same is left
 * alone, a freeze that is already recorded is not committed again).
 */
export class RecentCommands {
  readonly #clock: Clock;
  readonly #windowMs: number;
  readonly #limit: number;
  readonly #commands = new Map<string, number>();
  readonly #comments = new Map<string, number>();

  constructor(clock: Clock, options: { windowMs?: number; limit?: number } = {}) {
    this.#clock = clock;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#limit = options.limit ?? 10_000;
  }

  /** True the first time `key` is seen within the window (and it is recorded); false for a repeat. */
  claim(key: string): boolean {
    return this.#take(this.#commands, key, this.#windowMs);
  }

  /** Forgets a claim, so that a command that failed can be retried at once. */
  release(key: string): void {
    this.#commands.delete(key);
  }

  /** True the first time a comment is seen (a redelivered webhook is not), remembered for a day. */
  firstDelivery(key: string): boolean {
    return this.#take(this.#comments, key, 24 * 60 * 60_000);
  }

  #take(map: Map<string, number>, key: string, windowMs: number): boolean {
    const now = this.#clock.now().getTime();
    const seen = map.get(key);
    if (seen !== undefined && now - seen < windowMs) return false;
    map.delete(key);
    map.set(key, now);
    for (const [oldest] of map) {
      if (map.size <= this.#limit) break;
      map.delete(oldest);
    }
    return true;
  }
}
