import { type Dispatcher, MockAgent } from 'undici';

/**
 * An HTTP-level fake for forge adapters, on undici's MockAgent: both SDKs accept a
 * per-client dispatcher (Octokit through its `fetch` option, gitbeaker through `agent`), so
 * nothing global is patched, test files can run in parallel, and requests go through Node's
 * real fetch stack down to the socket layer. (nock ≥ 14 would also see fetch, but it patches
 * the process-wide http and fetch; a dispatcher stays inside the client under test.)
 *
 * Every request is recorded — method, path, query, parsed body — for snapshots, API-shape
 * checks and call counting. Routes are `METHOD /path/:param` templates; `*rest` matches the
 * remainder of the path. A request no route answers gets 599 and lands in `unmatched`.
 */

export interface RecordedRequest {
  origin: string;
  method: string;
  /** Path without the query string, as sent (percent-encoding kept). */
  path: string;
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string>;
  /** When the fake received it (Date.now()), to check waits between attempts. */
  at?: number;
}

export interface FakeResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (request: RecordedRequest, params: Record<string, string>) => FakeResponse;

/**
 * What can go wrong with one request, as forges and networks do it:
 * - `{ status, headers, body }`: the forge answers this instead (500, 409, 429 + Retry-After,
 *   GitHub's 403 secondary limit…); nothing is written.
 * - `reset`: the connection is reset before the forge acted (ECONNRESET); nothing is written.
 * - `lost`: the forge acted (the write happened) but the response never arrived.
 * - `delayMs`: the answer comes that much later (a slow forge).
 */
export type Fault =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | { reset: true }
  | { lost: true }
  | { delayMs: number };

const FAULT = Symbol('fault');

interface FaultRule {
  method: string;
  pattern: RegExp;
  faults: Fault[];
}

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

function compile(template: string): { pattern: RegExp; keys: string[] } {
  const keys: string[] = [];
  const source = template
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        keys.push(segment.slice(1));
        return '([^/]+)';
      }
      if (segment.startsWith('*')) {
        keys.push(segment.slice(1));
        return '(.+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { pattern: new RegExp(`^${source}$`), keys };
}

function parseBody(body: unknown, headers: Record<string, string>): unknown {
  if (body === null || body === undefined) return undefined;
  const text = typeof body === 'string' ? body : Buffer.from(body as Uint8Array).toString('utf8');
  if (!text) return undefined;
  return (headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : text;
}

export class FakeHttp {
  readonly mock = new MockAgent();
  /** The dispatcher clients use: the mock, behind the fault injector. */
  readonly agent: Dispatcher = this.mock.compose(
    (dispatch) => (options, handler) => this.#inject(dispatch, options, handler),
  );
  readonly requests: RecordedRequest[] = [];
  readonly unmatched: RecordedRequest[] = [];
  /** Every fault injected so far, with the request it hit. */
  readonly injected: Array<{ method: string; path: string; fault: Fault }> = [];
  readonly #routes: Route[] = [];
  readonly #faults: FaultRule[] = [];
  readonly #mounts: { other: FakeHttp; matches: (request: RecordedRequest) => boolean }[] = [];

  constructor(origins: readonly string[]) {
    this.mock.disableNetConnect();
    for (const origin of origins) {
      this.mock
        .get(origin)
        .intercept({ path: () => true, method: () => true })
        .reply((options) => {
          const headers = Object.fromEntries(
            Object.entries((options.headers ?? {}) as Record<string, string>).map(([k, v]) => [
              k.toLowerCase(),
              String(v),
            ]),
          );
          const url = new URL(options.path, origin);
          const request: RecordedRequest = {
            origin,
            method: options.method,
            path: url.pathname,
            query: Object.fromEntries(url.searchParams),
            body: parseBody(options.body, headers),
            headers,
            at: Date.now(),
          };
          const mounted = this.#mounts.find((m) => m.matches(request));
          const owner = mounted ? mounted.other : this;
          owner.requests.push(request);
          const fault = (options as { [FAULT]?: Fault })[FAULT];
          const response =
            fault && 'status' in fault ? fault : fault && 'reset' in fault ? {} : owner.#dispatch(request);
          // A string body with its own content type is sent as is (raw file endpoints).
          const raw =
            (typeof response.body === 'string' || response.body instanceof Uint8Array) &&
            response.headers?.['content-type'];
          return {
            statusCode: response.status ?? 200,
            data: raw
              ? (response.body as string | Buffer)
              : response.body === undefined
                ? ''
                : JSON.stringify(response.body),
            responseOptions: {
              headers: { 'content-type': 'application/json; charset=utf-8', ...response.headers },
            },
          };
        })
        .persist();
    }
  }

  /** Adds a route; a later route for the same request wins, so tests can override defaults. */
  on(method: string, template: string, handler: Handler): this {
    this.#routes.unshift({ method: method.toUpperCase(), ...compile(template), handler });
    return this;
  }

  /**
   * The next requests matching `METHOD /path/:param` meet these faults, one each, in order;
   * later ones pass. Returns this, to chain.
   */
  fault(method: string, template: string, ...faults: Fault[]): this {
    this.#faults.push({
      method: method.toUpperCase(),
      pattern: compile(template).pattern,
      faults: [...faults],
    });
    return this;
  }

  /** Faults not yet met. */
  pendingFaults(): number {
    return this.#faults.reduce((n, rule) => n + rule.faults.length, 0);
  }

  #inject(
    dispatch: Dispatcher['dispatch'],
    options: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandler,
  ) {
    const path = (options.path ?? '/').split('?')[0]!;
    const method = (options.method ?? 'GET').toUpperCase();
    const rule = this.#faults.find((r) => r.faults.length > 0 && r.method === method && r.pattern.test(path));
    const fault = rule?.faults.shift();
    if (!fault) return dispatch(options, handler);
    this.injected.push({ method, path, fault });
    if ('delayMs' in fault) {
      setTimeout(() => dispatch(options, handler), fault.delayMs);
      return true;
    }
    const marked = Object.assign(options, { [FAULT]: fault });
    if ('status' in fault) return dispatch(marked, handler);
    // reset / lost: the request reaches the fake (lost: and is acted on), the answer does not.
    const code = 'reset' in fault ? 'ECONNRESET' : 'UND_ERR_SOCKET';
    let controller: Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestStart']>>[0] | undefined;
    return dispatch(marked, {
      onRequestStart: (c, context) => {
        controller = c;
        handler.onRequestStart?.(c, context);
      },
      onResponseStart: () => {},
      onResponseData: () => {},
      onResponseEnd: () =>
        handler.onResponseError?.(controller!, Object.assign(new Error('socket hang up'), { code })),
      onResponseError: (c, error) => handler.onResponseError?.(c, error),
    });
  }

  /**
   * Requests `matches` picks are answered (and recorded) by `other`, as if one server held both:
   * a second repository or project on the same forge origin.
   */
  mount(other: FakeHttp, matches: (request: RecordedRequest) => boolean): this {
    this.#mounts.push({ other, matches });
    return this;
  }

  /** A `fetch` bound to this fake, for clients that take one (Octokit). */
  readonly fetch: typeof fetch = (input, init) =>
    fetch(input, { ...init, dispatcher: this.agent } as RequestInit);

  /** `METHOD /path` of every request so far, in order. */
  calls(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path}`);
  }

  reset(): void {
    this.requests.length = 0;
    this.unmatched.length = 0;
  }

  #dispatch(request: RecordedRequest): FakeResponse {
    for (const route of this.#routes) {
      if (route.method !== request.method) continue;
      const match = route.pattern.exec(request.path);
      if (!match) continue;
      const params = Object.fromEntries(route.keys.map((key, i) => [key, decodeURIComponent(match[i + 1]!)]));
      try {
        return route.handler(request, params);
      } catch (error) {
        // A broken fake must fail the test loudly, not look like a forge error the adapter handles.
        this.unmatched.push(request);
        return { status: 598, body: { message: `fake route threw: ${(error as Error).stack}` } };
      }
    }
    this.unmatched.push(request);
    return { status: 599, body: { message: `no fake route for ${request.method} ${request.path}` } };
  }
}
