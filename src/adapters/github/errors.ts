import { ConflictError, ForgeError, GantryError, NotFoundError, RetryableError } from '../../core/errors.ts';
import { retryAfterMs } from '../../core/retry/headers.ts';

/** Decides, for one call, whether an HTTP error means "someone else got there first". */
export type ConflictTest = (status: number, message: string) => boolean;

interface GraphqlErrorEntry {
  type?: string;
  message?: string;
}

/** Octokit's RequestError and GraphqlResponseError, by shape: their classes never leave the adapter. */
function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function graphqlErrorsOf(error: unknown): GraphqlErrorEntry[] | undefined {
  const errors = (error as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) ? (errors as GraphqlErrorEntry[]) : undefined;
}

/** GitHub's own words: `message`, plus the `errors[].message` details of a 422. */
function messageOf(error: unknown): string {
  const data = (error as { response?: { data?: unknown } } | null)?.response?.data as
    | { message?: unknown; errors?: unknown }
    | undefined;
  if (typeof data?.message !== 'string' || !data.message) {
    return error instanceof Error ? error.message : String(error);
  }
  const details = Array.isArray(data.errors)
    ? data.errors
        .map((e) => (typeof e === 'string' ? e : (e as { message?: string })?.message))
        .filter(Boolean)
    : [];
  return details.length ? `${data.message}: ${details.join('; ')}` : data.message;
}

/** GitHub GraphQL error types → the HTTP status a REST call would have answered. */
const GRAPHQL_STATUS: Record<string, number> = { FORBIDDEN: 403, RATE_LIMITED: 429, UNPROCESSABLE: 422 };

/**
 * Converts whatever Octokit threw into gantry's typed errors: 404 → NotFoundError, a conflict
 * the caller recognises → ConflictError, anything else → ForgeError{status, body}.
 */
export function toGantryError(error: unknown, what: string, isConflict?: ConflictTest): GantryError {
  if (error instanceof GantryError) return error;
  const graphqlErrors = graphqlErrorsOf(error);
  if (graphqlErrors && statusOf(error) === undefined) {
    const message = graphqlErrors.map((e) => e.message ?? e.type ?? 'error').join('; ');
    if (graphqlErrors.some((e) => e.type === 'NOT_FOUND')) {
      return new NotFoundError(`${what}: ${message}`, { cause: error });
    }
    const status = GRAPHQL_STATUS[graphqlErrors[0]?.type ?? ''] ?? 422;
    if (isConflict?.(status, message)) return new ConflictError(`${what}: ${message}`, { cause: error });
    if (status === 429) {
      // GraphQL's own rate limit (HTTP 200, type RATE_LIMITED): the reset header says when.
      const wait = waitOf(error, true);
      return new RetryableError(`${what}: ${message}`, status, graphqlErrors, {
        cause: error,
        retryAfterMs: wait,
      });
    }
    return new ForgeError(`${what}: ${message}`, status, graphqlErrors, { cause: error });
  }
  const status = statusOf(error) ?? 500;
  const message = messageOf(error);
  if (status === 404) return new NotFoundError(`${what}: not found (${message})`, { cause: error });
  if (isConflict?.(status, message)) return new ConflictError(`${what}: ${message}`, { cause: error });
  const body = (error as { response?: { data?: unknown } } | null)?.response?.data;
  const text = `${what}: GitHub answered ${status}: ${message}`;
  const limited = rateLimited(error, status, message);
  if (limited || isTransient(status)) {
    return new RetryableError(text, status, body, { cause: error, retryAfterMs: waitOf(error, limited) });
  }
  return new ForgeError(text, status, body, { cause: error });
}

/** 5xx (Octokit reports a connection that failed as 500), 408 and 409 pass with time; 429 is a limit. */
function isTransient(status: number): boolean {
  return status >= 500 || status === 408 || status === 409 || status === 429;
}

function headersOf(error: unknown): Record<string, string | number | undefined> {
  const e = error as { response?: { headers?: object }; headers?: object } | null;
  return (e?.response?.headers ?? e?.headers ?? {}) as Record<string, string | number | undefined>;
}

/**
 * GitHub's rate limits (docs: "Rate limits for the REST API"): primary — 403 or 429 with
 * `x-ratelimit-remaining: 0`; secondary — 403 or 429 whose message says "secondary rate limit"
 * (or that carries `retry-after`). A plain 403 (no permission) is not one.
 */
function rateLimited(error: unknown, status: number, message: string): boolean {
  if (status !== 403 && status !== 429) return false;
  const headers = headersOf(error);
  return (
    status === 429 ||
    String(headers['x-ratelimit-remaining']) === '0' ||
    headers['retry-after'] !== undefined ||
    /secondary rate limit|abuse detection/i.test(message)
  );
}

/**
 * The wait GitHub asks for: `retry-after`, else the primary window's `x-ratelimit-reset` when
 * it is exhausted, else — for a secondary limit that names no time — one minute, as GitHub's
 * documentation says to wait "at least one minute".
 */
function waitOf(error: unknown, limited: boolean): number | undefined {
  const headers = headersOf(error);
  const header = (name: string) => {
    const value = headers[name];
    return value === undefined ? undefined : String(value);
  };
  const exhausted = header('x-ratelimit-remaining') === '0';
  const asked = retryAfterMs(header, Date.now(), exhausted ? ['x-ratelimit-reset'] : []);
  if (asked !== undefined) return asked;
  return limited && !exhausted ? 60_000 : undefined;
}

/** Runs one API call and converts its failure. */
export async function call<T>(what: string, run: () => Promise<T>, isConflict?: ConflictTest): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toGantryError(error, what, isConflict);
  }
}

/** Runs one API call; a 404 becomes `null` instead of an error. */
export async function callOrNull<T>(what: string, run: () => Promise<T>): Promise<T | null> {
  try {
    return await run();
  } catch (error) {
    const converted = toGantryError(error, what);
    if (converted instanceof NotFoundError) return null;
    throw converted;
  }
}
