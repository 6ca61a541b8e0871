/**
 * Mutual exclusion per key (one GitOps repository, one proposal branch): `work` runs only
 * while no other holder of the same key runs. In one process a promise chain does it; across
 * replicas a lock in Redis with an expiry, so a crashed holder cannot block the key for ever.
 * Neither replaces the compare-and-swap on the branch head, which is what keeps a write of a
 * holder whose lock expired from overwriting a newer one.
 */
export interface RepoLock {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
}
