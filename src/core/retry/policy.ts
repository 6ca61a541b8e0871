import { ConflictError, RetryableError } from '../errors.ts';

/** How a job that failed on something transient is tried again. */
export interface RetryPolicy {
  /** Wait before the second attempt; doubles for each further one (jittered). */
  baseMs: number;
  /** Cap of the exponential wait (a server's own Retry-After may ask for more). */
  maxMs: number;
  /** No attempt starts later than this after the work was accepted; then it fails for good. */
  deadlineMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 1000, maxMs: 5 * 60_000, deadlineMs: 60 * 60_000 };

export type RetryDecision =
  | { retry: true; delayMs: number; reason: string }
  | { retry: false; reason: 'permanent' | 'deadline' };

/**
 * Whether failed work is tried again, and when: only transient failures are (typed
 * RetryableError from the adapters, or a compare-and-swap lost to another writer), after
 * `max(server's wait, jittered exponential backoff)`, and never past the deadline.
 * `random` in [0, 1) is injected so the decision is a pure function.
 */
export function retryDecision(
  error: unknown,
  attempt: number,
  elapsedMs: number,
  policy: RetryPolicy,
  random: number,
): RetryDecision {
  const transient = error instanceof RetryableError || error instanceof ConflictError;
  if (!transient) return { retry: false, reason: 'permanent' };
  const asked = error instanceof RetryableError ? error.retryAfterMs : undefined;
  const delayMs = backoffMs(attempt, asked, policy, random);
  if (elapsedMs + delayMs > policy.deadlineMs) return { retry: false, reason: 'deadline' };
  const reason = asked === undefined ? 'backoff' : 'retry-after';
  return { retry: true, delayMs, reason };
}

/**
 * Exponential backoff with "equal jitter" (half fixed, half random, so waits never collapse
 * to zero and replicas that failed together spread out), at least what the server asked for.
 */
export function backoffMs(
  attempt: number,
  retryAfterMs: number | undefined,
  policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>,
  random: number,
): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(exponential / 2 + (exponential / 2) * random);
  return Math.max(jittered, Math.ceil(retryAfterMs ?? 0));
}
