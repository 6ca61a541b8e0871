import type { RepoLock } from '../ports/lock.ts';

/**
 * Serialises work per key inside one process (one promotion branch at a time), so replayed
 * or concurrent deliveries see each other's result. Across replicas the server puts a Redis
 * lock behind it (adapters/jobs/redis-lock.ts); compare-and-swap on the branch still guards
 * every write.
 */
export class KeyedLock implements RepoLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    const tail = current.catch(() => undefined);
    this.#tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
