import type { IncomingMessage, ServerResponse } from 'node:http';
import { send } from './http.ts';

/** Limits at the webhook edge, applied before a body is read (see docs/operations.md "Webhook edge"). */
export interface WebhookLimits {
  /** Requests per second per source address, and the burst allowed above that rate. */
  ratePerSecond: number;
  burst: number;
  /**
   * Failed GitLab authentications per source address after which its further failures are
   * answered 429 (refilled at 1 per 3 s). A request with a valid token is never held back.
   */
  failures: number;
  /** Bodies read at once, and their declared bytes together; past either, a delivery is answered 503. */
  bodies: number;
  bodyBytes: number;
  /** Take the source address from the last X-Forwarded-For hop (behind a reverse proxy). */
  trustProxy: boolean;
}

export const DEFAULT_LIMITS: WebhookLimits = {
  ratePerSecond: 100,
  burst: 200,
  failures: 20,
  bodies: 32,
  bodyBytes: 32 * 1024 * 1024,
  trustProxy: false,
};

/** Token buckets per key; idle keys are forgotten oldest first, so a spray of addresses stays bounded. */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #capacity: number;
  readonly #perSecond: number;
  readonly #now: () => number;
  readonly #maxKeys: number;

  constructor(
    capacity: number,
    perSecond: number,
    now: () => number = () => performance.now(),
    maxKeys = 10_000,
  ) {
    this.#capacity = capacity;
    this.#perSecond = perSecond;
    this.#now = now;
    this.#maxKeys = maxKeys;
  }

  /** Whether `key` may go on now (taking one token), and leaves its bucket fuller over time. */
  take(key: string): boolean {
    const now = this.#now();
    const bucket = this.#buckets.get(key);
    let tokens = this.#capacity;
    if (bucket) {
      tokens = Math.min(this.#capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.#perSecond);
      this.#buckets.delete(key);
    } else if (this.#buckets.size >= this.#maxKeys) {
      this.#buckets.delete(this.#buckets.keys().next().value!);
    }
    const allowed = tokens >= 1;
    this.#buckets.set(key, { tokens: allowed ? tokens - 1 : tokens, at: now });
    return allowed;
  }

  /** Whether `key` has a token left, without taking one. */
  has(key: string): boolean {
    const bucket = this.#buckets.get(key);
    if (!bucket) return true;
    return bucket.tokens + ((this.#now() - bucket.at) / 1000) * this.#perSecond >= 1;
  }
}

/**
 * How many bodies are being read at once and how many bytes they declared. A request is refused
 * rather than queued when either is spent, so a flood holds neither memory nor sockets; one body
 * larger than the byte budget is still read when it is alone.
 */
export class BodyBudget {
  #bytes = 0;
  #bodies = 0;
  readonly #limits: Pick<WebhookLimits, 'bodies' | 'bodyBytes'>;

  constructor(limits: Pick<WebhookLimits, 'bodies' | 'bodyBytes'>) {
    this.#limits = limits;
  }

  /** A release function, or undefined when the budget is spent. */
  tryAcquire(bytes: number): (() => void) | undefined {
    if (this.#bodies >= this.#limits.bodies) return undefined;
    if (this.#bodies > 0 && this.#bytes + bytes > this.#limits.bodyBytes) return undefined;
    this.#bodies += 1;
    this.#bytes += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#bodies -= 1;
      this.#bytes -= bytes;
    };
  }

  get inFlight(): number {
    return this.#bodies;
  }
}

/** The guards every webhook route shares: source rate, failed authentications, bodies in flight. */
export class WebhookGuard {
  readonly limits: WebhookLimits;
  readonly budget: BodyBudget;
  readonly #requests: RateLimiter;
  readonly #failures: RateLimiter;

  constructor(limits: WebhookLimits = DEFAULT_LIMITS, now?: () => number) {
    this.limits = limits;
    this.budget = new BodyBudget(limits);
    this.#requests = new RateLimiter(limits.burst, limits.ratePerSecond, now);
    this.#failures = new RateLimiter(limits.failures, 1 / 3, now);
  }

  source(request: IncomingMessage): string {
    const forwarded = this.limits.trustProxy ? request.headers['x-forwarded-for'] : undefined;
    const last = typeof forwarded === 'string' ? forwarded.split(',').at(-1)?.trim() : undefined;
    return last || request.socket.remoteAddress || 'unknown';
  }

  /** Answers 429 and returns false when the source sent too many requests. */
  admit(request: IncomingMessage, response: ServerResponse): boolean {
    if (this.#requests.take(this.source(request))) return true;
    refuse(response, 429, 'too many requests from this address', { 'retry-after': '5' });
    return false;
  }

  /**
   * A failed authentication: 401, or 429 once the source has failed too often. Only for
   * GitLab, whose token is checked from the headers: GitHub deliveries come from GitHub's shared
   * addresses, and anyone's misconfigured hook must not lock out the App's own deliveries.
   */
  refuseUnauthenticated(request: IncomingMessage, response: ServerResponse, error: string): void {
    if (this.#failures.take(this.source(request))) refuse(response, 401, error);
    else refuse(response, 429, 'too many failed authentications from this address', { 'retry-after': '5' });
  }
}

/**
 * A refusal before (or instead of) reading the body: a fixed answer, and the connection closed so
 * that the unread body is dropped rather than read to keep the connection alive.
 */
export function refuse(
  response: ServerResponse,
  status: number,
  error: string,
  headers: Record<string, string> = {},
): void {
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.setHeader('connection', 'close');
  send(response, status, { error });
}
