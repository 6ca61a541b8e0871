import { MetricsError } from '../../core/errors.ts';
import { retryAfterMs } from '../../core/retry/headers.ts';
import type { Metrics, RangeQuery, Series, TimeRange } from '../../ports/metrics.ts';
import { apiError, parseQueryResponse } from './response.ts';

export interface PrometheusOptions {
  /** Base URL, with any path prefix: https://example.com/prometheus */
  url: string;
  /** Sent with every request: Authorization, X-Scope-OrgID, … */
  headers?: Record<string, string>;
  /** Per attempt, including reading the body. Also sent as the query's evaluation timeout. */
  timeoutMs?: number;
  /** Further attempts after a timeout, a network error, HTTP 429 or 5xx. */
  retries?: number;
  /** Pause before the first retry; doubles for each further one. */
  backoffMs?: number;
  /**
   * A 429/503 whose Retry-After asks for at most this long is retried after that wait; a
   * longer one is not waited for in-request (the analysis fails, inconclusive). Default 30 s.
   */
  maxRetryAfterMs?: number;
  /** Multiplies every wait (tests). Default 1. */
  waitScale?: number;
  /** Larger responses are refused (a query that matched far too many series). */
  maxResponseBytes?: number;
  fetch?: typeof fetch;
}

type Attempt =
  | { ok: true; body: unknown }
  | { ok: false; error: MetricsError; retry: boolean; retryAfterMs?: number | undefined };

/**
 * The Prometheus HTTP API (also Thanos, Mimir, Cortex, VictoriaMetrics): POSTed form
 * requests — queries can be longer than a URL may be — with a timeout, retries on transient
 * failures, and every failure turned into a MetricsError that says what happened.
 */
export class PrometheusMetrics implements Metrics {
  readonly #base: URL;
  readonly #display: string;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #backoffMs: number;
  readonly #maxRetryAfterMs: number;
  readonly #waitScale: number;
  readonly #maxBytes: number;
  readonly #fetch: typeof fetch;

  constructor(options: PrometheusOptions) {
    const base = new URL(options.url);
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.#headers = { ...options.headers };
    // fetch refuses URLs with credentials (and would echo them in its error): move them to a header.
    if (
      (base.username || base.password) &&
      !Object.keys(this.#headers).some((h) => h.toLowerCase() === 'authorization')
    ) {
      const user = decodeURIComponent(base.username);
      const password = decodeURIComponent(base.password);
      this.#headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    }
    base.username = '';
    base.password = '';
    this.#base = base;
    this.#display = base.href.replace(/\/$/, '');
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#retries = options.retries ?? 2;
    this.#backoffMs = options.backoffMs ?? 250;
    this.#maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
    this.#waitScale = options.waitScale ?? 1;
    this.#maxBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
    this.#fetch = options.fetch ?? fetch;
  }

  async queryRange(request: RangeQuery): Promise<Series[]> {
    return parseQueryResponse(
      await this.#call('api/v1/query_range', {
        query: request.query,
        start: seconds(request.start),
        end: seconds(request.end),
        step: String(request.stepSeconds),
      }),
    );
  }

  async queryInstant(query: string, at: Date): Promise<Series[]> {
    return parseQueryResponse(await this.#call('api/v1/query', { query, time: seconds(at) }));
  }

  graphUrl(queries: readonly string[], range: TimeRange): string {
    const end = range.end.toISOString().slice(0, 19).replace('T', ' ');
    const span = Math.round((range.end.getTime() - range.start.getTime()) / 1000);
    const params = queries.flatMap((query, i) => [
      [`g${i}.expr`, query],
      [`g${i}.tab`, '0'],
      [`g${i}.range_input`, `${span}s`],
      [`g${i}.end_input`, end],
      [`g${i}.moment_input`, end],
      [`g${i}.step_input`, String(range.stepSeconds)],
    ]);
    // encodeURIComponent, not URLSearchParams: the Prometheus UI reads "+" literally in some versions.
    const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v!)}`).join('&');
    return `${this.#display}/graph?${query}`;
  }

  async #call(path: string, params: Record<string, string>): Promise<unknown> {
    const form = new URLSearchParams({
      ...params,
      timeout: `${Math.max(1, Math.floor(this.#timeoutMs / 1000))}s`,
    });
    let last: MetricsError | undefined;
    let asked: number | undefined;
    for (let attempt = 0; attempt <= this.#retries; attempt++) {
      if (attempt > 0)
        await sleep(Math.max(this.#backoffMs * 2 ** (attempt - 1), asked ?? 0) * this.#waitScale);
      const result = await this.#attempt(new URL(path, this.#base), form);
      if (result.ok) return result.body;
      last = result.error;
      if (!result.retry) throw result.error;
      // Retry-After: honoured when it is short; a long one ends the retries now.
      asked = result.retryAfterMs;
      if (asked !== undefined && asked > this.#maxRetryAfterMs) {
        throw new MetricsError(
          `${last.message} (asked to retry after ${Math.round(asked / 1000)} s)`,
          last.errorType,
          {
            cause: last,
          },
        );
      }
    }
    const attempts = this.#retries + 1;
    throw new MetricsError(
      `${last!.message} (${attempts} attempt${attempts === 1 ? '' : 's'})`,
      last!.errorType,
      {
        cause: last,
      },
    );
  }

  async #attempt(url: URL, form: URLSearchParams): Promise<Attempt> {
    // A controller and a cleared timer rather than AbortSignal.timeout(), whose timers would
    // outlive every finished request.
    const controller = new AbortController();
    const { signal } = controller;
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    let text: string;
    let status: number;
    let retryAfter: number | undefined;
    try {
      const response = await this.#fetch(url, {
        method: 'POST',
        headers: {
          ...this.#headers,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          // Answers are one aggregated series per query (≤ 11,000 points): gzip would cost
          // more CPU on both ends than it saves in transfer.
          'accept-encoding': 'identity',
        },
        body: form,
        signal,
        redirect: 'error',
      });
      status = response.status;
      retryAfter = retryAfterMs((name) => response.headers.get(name) ?? undefined, Date.now());
      text = await readLimited(response, this.#maxBytes);
    } catch (error) {
      if (error instanceof MetricsError) return { ok: false, error, retry: false };
      if (signal.aborted) {
        const seconds = this.#timeoutMs / 1000;
        return {
          ok: false,
          retry: true,
          error: new MetricsError(
            `Prometheus at ${this.#display} did not answer within ${seconds}s`,
            'timeout',
          ),
        };
      }
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error as Error).message;
      return {
        ok: false,
        retry: true,
        error: new MetricsError(`cannot reach Prometheus at ${this.#display}: ${why}`, 'unavailable', {
          cause: error,
        }),
      };
    } finally {
      clearTimeout(timer);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const refused = apiError(body);
    const transient = status === 429 || status >= 500;
    if (status >= 200 && status < 300 && !refused) {
      if (body === undefined) {
        return {
          ok: false,
          retry: false,
          error: badResponse(`HTTP ${status} with a body that is not JSON: ${snippet(text)}`),
        };
      }
      return { ok: true, body };
    }
    if (refused) {
      const message = transient
        ? `Prometheus failed (HTTP ${status}, ${refused.errorType}): ${refused.error}`
        : `Prometheus refused the query (${refused.errorType}): ${refused.error}`;
      return {
        ok: false,
        retry: transient,
        retryAfterMs: retryAfter,
        error: new MetricsError(message, refused.errorType),
      };
    }
    const hint = status === 401 || status === 403 ? ' (check canary.prometheus.auth)' : '';
    return {
      ok: false,
      retry: transient,
      retryAfterMs: retryAfter,
      error: new MetricsError(
        `Prometheus answered HTTP ${status}${hint}: ${snippet(text)}`,
        transient ? 'unavailable' : 'bad_response',
      ),
    };
  }
}

function badResponse(detail: string): MetricsError {
  return new MetricsError(
    `Prometheus answered something that is not its API's JSON: ${detail}`,
    'bad_response',
  );
}

async function readLimited(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(maxBytes);
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(maxBytes: number): MetricsError {
  return new MetricsError(
    `Prometheus' answer is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB; aggregate the query to fewer series`,
    'bad_response',
  );
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty body)';
  return JSON.stringify(flat.length > 160 ? `${flat.slice(0, 160)}…` : flat);
}

function seconds(date: Date): string {
  return String(date.getTime() / 1000);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
