/**
 * Runs `work` with a time budget: `signal` aborts when it is spent (for adapters that can
 * cancel), and `expired(promise, fallback)` settles with `fallback` at that moment instead of
 * waiting — so the whole analysis ends within the budget whatever the adapter's timeouts and
 * retries do.
 */
export async function withDeadline<R>(
  budgetMs: number,
  work: (signal: AbortSignal, expired: <T>(promise: Promise<T>, fallback: T) => Promise<T>) => Promise<R>,
): Promise<R> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), budgetMs);
  const aborted = new Promise<void>((resolve) => {
    controller.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const expired = <T>(promise: Promise<T>, fallback: T): Promise<T> =>
    controller.signal.aborted
      ? Promise.resolve(fallback)
      : Promise.race([promise, aborted.then(() => fallback)]);
  try {
    return await work(controller.signal, expired);
  } finally {
    clearTimeout(timer);
  }
}
