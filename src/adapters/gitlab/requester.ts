import { createRequesterFn, getMatchingRateLimiter, type RateLimiters } from '@gitbeaker/requester-utils';

/**
 * gitbeaker's transport without its blind retry loop. gitbeaker retries 429 and 502 ten times
 * on a fixed schedule (~150 ms in all) and ignores `Retry-After`; here one request is one
 * attempt, and a failure carries GitLab's status, body and headers so the adapter can turn it
 * into a typed error that says how long to wait (see errors.ts). Waiting is the caller's: the
 * bot's delivery jobs retry with backoff up to a deadline.
 */
export class GitLabHttpError extends Error {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers | undefined;
  constructor(message: string, status: number, body: unknown, headers?: Headers, options?: ErrorOptions) {
    super(message, options);
    this.name = 'GitLabHttpError';
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

interface HandlerOptions {
  rateLimiters?: RateLimiters;
  agent?: unknown;
  asStream?: boolean;
  prefixUrl?: string;
  searchParams?: string;
  method?: string;
  [key: string]: unknown;
}

async function bodyOf(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (type === 'application/json') return (await response.json()) || {};
  if (type.startsWith('text/')) return (await response.text()) || '';
  return response.blob();
}

async function failureBody(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function oneRequest(endpoint: string, options: HandlerOptions = {}) {
  const { rateLimiters, agent, asStream, prefixUrl, searchParams, method, ...init } = options;
  const base = prefixUrl ? (prefixUrl.endsWith('/') ? prefixUrl : `${prefixUrl}/`) : undefined;
  const url = new URL(endpoint, base);
  url.search = searchParams ?? '';
  await getMatchingRateLimiter(endpoint, rateLimiters, method)();
  let response: Response;
  try {
    response = await fetch(new Request(url, { ...(init as RequestInit), ...(method ? { method } : {}) }), {
      ...(agent ? { dispatcher: agent } : {}),
    } as RequestInit);
  } catch (error) {
    const name = (error as Error).name;
    const timeout = name === 'TimeoutError' || name === 'AbortError';
    throw new GitLabHttpError(
      timeout ? 'the request timed out' : `no answer: ${(error as Error).message}`,
      timeout ? 504 : 0,
      undefined,
      undefined,
      { cause: error },
    );
  }
  if (!response.ok) {
    throw new GitLabHttpError(
      `HTTP ${response.status}`,
      response.status,
      await failureBody(response),
      response.headers,
    );
  }
  const body = asStream ? response.body : await bodyOf(response);
  return { body, headers: Object.fromEntries(response.headers.entries()), status: response.status };
}

/** A gitbeaker `requesterFn` that makes exactly one request per call. */
export const singleAttemptRequester = createRequesterFn(
  (_service, options) => Promise.resolve(options),
  oneRequest as never,
);
