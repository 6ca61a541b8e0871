import { ConflictError, ForgeError, GantryError, NotFoundError } from '../../core/errors.ts';

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
    return new ForgeError(`${what}: ${message}`, status, graphqlErrors, { cause: error });
  }
  const status = statusOf(error) ?? 500;
  const message = messageOf(error);
  if (status === 404) return new NotFoundError(`${what}: not found (${message})`, { cause: error });
  if (isConflict?.(status, message)) return new ConflictError(`${what}: ${message}`, { cause: error });
  const body = (error as { response?: { data?: unknown } } | null)?.response?.data;
  return new ForgeError(`${what}: GitHub answered ${status}: ${message}`, status, body, { cause: error });
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
