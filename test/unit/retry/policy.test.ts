import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConflictError, ForgeError, RetryableError, ValidationError } from '../../../src/core/errors.ts';
import { retryAfterMs } from '../../../src/core/retry/headers.ts';
import { backoffMs, DEFAULT_RETRY, retryDecision } from '../../../src/core/retry/policy.ts';

const policy = { baseMs: 1000, maxMs: 60_000, deadlineMs: 3_600_000 };

describe('retry policy', () => {
  it('never waits less than the server asked, never less than half the capped exponential, never more than the cap unless asked', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.option(fc.integer({ min: 0, max: 7_200_000 }), { nil: undefined }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, asked, random) => {
          const wait = backoffMs(attempt, asked, policy, random);
          const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
          expect(wait).toBeGreaterThanOrEqual(asked ?? 0);
          expect(wait).toBeGreaterThanOrEqual(Math.floor(exponential / 2));
          expect(wait).toBeLessThanOrEqual(Math.max(policy.maxMs, asked ?? 0));
        },
      ),
    );
  });

  it('grows with the attempt for the same jitter (until the cap)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, random) => {
          expect(backoffMs(attempt + 1, undefined, policy, random)).toBeGreaterThanOrEqual(
            backoffMs(attempt, undefined, policy, random),
          );
        },
      ),
    );
  });

  it('retries only transient failures, and never past the deadline', () => {
    const transient = new RetryableError('503', 503, undefined, { retryAfterMs: 2000 });
    expect(retryDecision(transient, 1, 0, policy, 0.5)).toEqual({
      retry: true,
      delayMs: 2000,
      reason: 'retry-after',
    });
    expect(retryDecision(new ConflictError('moved'), 3, 0, policy, 0)).toEqual({
      retry: true,
      delayMs: 2000,
      reason: 'backoff',
    });
    for (const permanent of [new ForgeError('403', 403), new ValidationError('bad'), new Error('bug')]) {
      expect(retryDecision(permanent, 1, 0, policy, 0.5)).toEqual({ retry: false, reason: 'permanent' });
    }
    expect(retryDecision(transient, 5, policy.deadlineMs - 1000, policy, 0.5)).toEqual({
      retry: false,
      reason: 'deadline',
    });
    expect(DEFAULT_RETRY.deadlineMs).toBeGreaterThan(DEFAULT_RETRY.maxMs);
  });
});

describe('retryAfterMs (RFC 9110 Retry-After; RateLimit-Reset and x-ratelimit-reset as epoch seconds)', () => {
  const now = Date.parse('2026-12-01T20:00:00Z');
  const from = (headers: Record<string, string>) => (name: string) => headers[name];
  it('reads delta-seconds, an HTTP date, and reset headers only when asked to', () => {
    expect(retryAfterMs(from({ 'retry-after': '120' }), now)).toBe(120_000);
    expect(retryAfterMs(from({ 'retry-after': 'Tue, 01 Dec 2026 20:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterMs(from({ 'retry-after': 'Tue, 01 Dec 2026 19:00:00 GMT' }), now)).toBe(0);
    const reset = { 'x-ratelimit-reset': String(now / 1000 + 90) };
    expect(retryAfterMs(from(reset), now)).toBeUndefined();
    expect(retryAfterMs(from(reset), now, ['x-ratelimit-reset'])).toBe(90_000);
    expect(retryAfterMs(from({ 'retry-after': 'soon' }), now)).toBeUndefined();
  });
});
