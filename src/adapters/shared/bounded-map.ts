/**
 * A Map that forgets its oldest entries past `limit`. Adapters keep facts about immutable
 * objects (a commit's tree, which paths exist at a commit) so a commit right after a read
 * costs no extra round trip; the bound keeps a long-lived instance from growing.
 */
export class BoundedMap<K, V> {
  readonly limit: number;
  readonly #entries = new Map<K, V>();

  constructor(limit: number) {
    this.limit = limit;
  }

  get(key: K): V | undefined {
    return this.#entries.get(key);
  }

  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.limit) {
      const oldest = this.#entries.keys().next().value as K;
      this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
