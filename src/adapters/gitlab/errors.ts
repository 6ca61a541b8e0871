import { ConflictError, ForgeError, GantryError, NotFoundError, RetryableError } from '../../core/errors.ts';
import { retryAfterMs } from '../../core/retry/headers.ts';
import { GitLabHttpError } from './requester.ts';

/** Decides, for one call, whether an error means "someone else got there first". */
export type ConflictTest = (status: number, message: string) => boolean;

/**
 * An HTTP failure → NotFoundError (404), ConflictError (when the caller says so),
 * RetryableError (no answer, 408, 409, 429, 5xx: with the wait GitLab asked for) or ForgeError.
 */
export function httpFailure(
  what: string,
  status: number,
  body: unknown,
  cause?: unknown,
  isConflict?: ConflictTest,
  headers?: Headers,
): GantryError {
  const message = describe(body) ?? (cause instanceof Error ? cause.message : `HTTP ${status}`);
  if (status === 404) return new NotFoundError(`${what}: not found (${message})`, { cause });
  if (isConflict?.(status, message)) return new ConflictError(`${what}: ${message}`, { cause });
  const code = status || 503;
  const text = `${what}: GitLab answered ${status || 'nothing'}: ${message}`;
  if (status === 0 || status === 408 || status === 409 || status === 429 || status >= 500) {
    // GitLab's rate limits answer 429 with Retry-After (seconds) and RateLimit-Reset (epoch seconds).
    const wait = headers
      ? retryAfterMs(
          (name) => headers.get(name) ?? undefined,
          Date.now(),
          status === 429 ? ['ratelimit-reset'] : [],
        )
      : undefined;
    return new RetryableError(text, code, body, { cause, retryAfterMs: wait });
  }
  return new ForgeError(text, code, body, { cause });
}

/** GraphQL `errors` with HTTP 200: "doesn't exist or you don't have permission" is GitLab's not-found. */
export function graphqlFailure(what: string, errors: { message: string }[]): GantryError {
  const message = errors.map((e) => e.message).join('; ');
  if (/does ?n[o']t exist|not found/i.test(message)) return new NotFoundError(`${what}: ${message}`);
  return new ForgeError(`${what}: ${message}`, 422, errors);
}

function describe(body: unknown): string | undefined {
  if (typeof body === 'string') return body || undefined;
  if (!body || typeof body !== 'object') return undefined;
  const { message, error } = body as { message?: unknown; error?: unknown };
  const value = message ?? error;
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * gitbeaker's errors, by shape (its classes never leave the adapter): a request error carries
 * the response in `cause`; a timeout or a retry give-up carry only a message.
 */
export function toGantryError(error: unknown, what: string, isConflict?: ConflictTest): GantryError {
  if (error instanceof GantryError) return error;
  if (error instanceof GitLabHttpError) {
    return httpFailure(what, error.status, error.body ?? error.message, error, isConflict, error.headers);
  }
  const cause = (error as { cause?: { response?: Response; description?: unknown } } | null)?.cause;
  const status = cause?.response?.status;
  if (typeof status === 'number') {
    return httpFailure(what, status, { message: cause?.description }, error, isConflict);
  }
  const name = (error as { name?: string } | null)?.name;
  const status2 = name === 'GitbeakerTimeoutError' ? 504 : name === 'GitbeakerRetryError' ? 429 : 0;
  return httpFailure(what, status2, undefined, error);
}

export async function call<T>(what: string, run: () => Promise<T>, isConflict?: ConflictTest): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toGantryError(error, what, isConflict);
  }
}

export async function callOrNull<T>(what: string, run: () => Promise<T>): Promise<T | null> {
  try {
    return await run();
  } catch (error) {
    const converted = toGantryError(error, what);
    if (converted instanceof NotFoundError) return null;
    throw converted;
  }
}
