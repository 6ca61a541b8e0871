import { afterEach, describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../src/adapters/prometheus/client.ts';
import { prometheusOptions } from '../../src/adapters/prometheus/options.ts';
import { MetricsError, ValidationError } from '../../src/core/errors.ts';
import { sendJson, startStub } from '../support/http-stub.ts';

const range = {
  start: new Date('2024-01-01T10:00:00Z'),
  end: new Date('2024-01-01T10:30:00Z'),
  stepSeconds: 60,
};
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function stub(handler: Parameters<typeof startStub>[0]) {
  const server = await startStub(handler);
  close = server.close;
  return server;
}

async function failure(promise: Promise<unknown>): Promise<MetricsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MetricsError);
  return error as MetricsError;
}

describe('Prometheus adapter', () => {
  it('POSTs query_range and reads matrix results, keeping NaN and ±Inf', async () => {
    const server = await stub((_, res) =>
      sendJson(res, 200, {
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            {
              metric: { app: 'web' },
              values: [
                [1704103200, '0.25'],
                [1704103260, 'NaN'],
                [1704103320, '+Inf'],
                [1704103380, '-Inf'],
                [1704103440, '1e-3'],
              ],
            },
          ],
        },
      }),
    );
    const prometheus = new PrometheusMetrics({
      url: `${server.url}/prefix`,
      headers: { 'X-Scope-OrgID': 'shop' },
    });
    const series = await prometheus.queryRange({ ...range, query: 'x{app="web"}' });
    expect(series).toEqual([
      {
        labels: { app: 'web' },
        samples: [
          [1704103200, 0.25],
          [1704103260, Number.NaN],
          [1704103320, Number.POSITIVE_INFINITY],
          [1704103380, Number.NEGATIVE_INFINITY],
          [1704103440, 0.001],
        ],
      },
    ]);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/prefix/api/v1/query_range' });
    expect(request!.headers['x-scope-orgid']).toBe('shop');
    expect(Object.fromEntries(request!.form)).toEqual({
      query: 'x{app="web"}',
      start: '1704103200',
      end: '1704105000',
      step: '60',
      timeout: '30s',
    });
  });

  it('reads vector and scalar results of instant queries', async () => {
    const answers = [
      { resultType: 'vector', result: [{ metric: { a: 'b' }, value: [1704103200, '3'] }] },
      { resultType: 'scalar', result: [1704103200, '+Inf'] },
    ];
    const server = await stub((_, res) => sendJson(res, 200, { status: 'success', data: answers.shift() }));
    const prometheus = new PrometheusMetrics({ url: server.url });
    const at = new Date('2024-01-01T10:00:00Z');
    expect(await prometheus.queryInstant('x', at)).toEqual([
      { labels: { a: 'b' }, samples: [[1704103200, 3]] },
    ]);
    expect(await prometheus.queryInstant('1/0', at)).toEqual([
      { labels: {}, samples: [[1704103200, Number.POSITIVE_INFINITY]] },
    ]);
    expect(server.requests[0]!.path).toBe('/api/v1/query');
    expect(server.requests[0]!.form.get('time')).toBe('1704103200');
  });

  it("surfaces Prometheus' errorType and error without retrying a refused query", async () => {
    const server = await stub((_, res) =>
      sendJson(res, 400, {
        status: 'error',
        errorType: 'bad_data',
        error: '1:6: parse error: unexpected "}"',
      }),
    );
    const error = await failure(
      new PrometheusMetrics({ url: server.url }).queryRange({ ...range, query: 'x}' }),
    );
    expect(error.errorType).toBe('bad_data');
    expect(error.message).toBe('Prometheus refused the query (bad_data): 1:6: parse error: unexpected "}"');
    expect(server.requests).toHaveLength(1);
  });

  it('retries 5xx and succeeds when Prometheus recovers', async () => {
    let calls = 0;
    const server = await stub((_, res) =>
      ++calls < 3
        ? sendJson(res, 503, { status: 'error', errorType: 'unavailable', error: 'too many queries' })
        : sendJson(res, 200, { status: 'success', data: { resultType: 'matrix', result: [] } }),
    );
    const prometheus = new PrometheusMetrics({ url: server.url, backoffMs: 1 });
    expect(await prometheus.queryRange({ ...range, query: 'x' })).toEqual([]);
    expect(server.requests).toHaveLength(3);
  });

  it('a 429 with Retry-After is retried no sooner than asked; a Retry-After past the cap ends the retries at once', async () => {
    let calls = 0;
    const times: number[] = [];
    const server = await stub((_, res) => {
      times.push(Date.now());
      if (++calls === 1) {
        res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': '3' });
        return res.end('Too Many Requests');
      }
      sendJson(res, 200, { status: 'success', data: { resultType: 'matrix', result: [] } });
    });
    // 3 s × 0.05: 150 ms, where the backoff alone would be 1 ms.
    const prometheus = new PrometheusMetrics({ url: server.url, backoffMs: 1, waitScale: 0.05 });
    expect(await prometheus.queryRange({ ...range, query: 'x' })).toEqual([]);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(140);
    const busy = await stub((_, res) => {
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '3600' });
      res.end('maintenance');
    });
    const error = await failure(
      new PrometheusMetrics({ url: busy.url, backoffMs: 1 }).queryRange({ ...range, query: 'x' }),
    );
    expect(error.message).toMatch(/asked to retry after 3600 s/);
    expect(busy.requests).toHaveLength(1);
  });

  it('gives up after the retries with the last error and the number of attempts', async () => {
    const server = await stub((_, res) => {
      res.writeHead(502);
      res.end('<html>Bad Gateway</html>');
    });
    const error = await failure(
      new PrometheusMetrics({ url: server.url, backoffMs: 1 }).queryRange({ ...range, query: 'x' }),
    );
    expect(error.message).toBe('Prometheus answered HTTP 502: "<html>Bad Gateway</html>" (3 attempts)');
    expect(error.errorType).toBe('unavailable');
  });

  it('times out a Prometheus that does not answer, per attempt', async () => {
    const server = await stub(() => {
      // Never answers.
    });
    const prometheus = new PrometheusMetrics({ url: server.url, timeoutMs: 200, retries: 1, backoffMs: 1 });
    const error = await failure(prometheus.queryRange({ ...range, query: 'x' }));
    expect(error.errorType).toBe('timeout');
    expect(error.message).toBe(`Prometheus at ${server.url} did not answer within 0.2s (2 attempts)`);
    expect(server.requests).toHaveLength(2);
  });

  it('refuses garbage: HTML with 200, JSON of another shape, unparsable values — without retrying', async () => {
    const bodies = [
      '<html>login</html>',
      JSON.stringify({ hello: 'world' }),
      JSON.stringify({
        status: 'success',
        data: { resultType: 'matrix', result: [{ metric: {}, values: [[1, 'abc']] }] },
      }),
      JSON.stringify({ status: 'success', data: { resultType: 'string', result: [1, 'x'] } }),
    ];
    const server = await stub((_, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(bodies[server.requests.length - 1]);
    });
    const prometheus = new PrometheusMetrics({ url: server.url });
    const messages: string[] = [];
    for (let i = 0; i < bodies.length; i++) {
      const error = await failure(prometheus.queryRange({ ...range, query: 'x' }));
      expect(error.errorType).toBe('bad_response');
      messages.push(error.message);
    }
    expect(messages).toEqual([
      `Prometheus answered something that is not its API's JSON: HTTP 200 with a body that is not JSON: "<html>login</html>"`,
      `Prometheus answered something that is not its API's JSON: expected {"status":"success","data":{…}}`,
      `Prometheus answered something that is not its API's JSON: data.result[0].values[0] has the value "abc", not a number`,
      `Prometheus answered something that is not its API's JSON: unsupported resultType "string"; expected matrix, vector or scalar`,
    ]);
    expect(server.requests).toHaveLength(bodies.length);
  });

  it('refuses an answer larger than the limit', async () => {
    const server = await stub((_, res) =>
      sendJson(res, 200, { status: 'success', padding: 'x'.repeat(4096) }),
    );
    const error = await failure(
      new PrometheusMetrics({ url: server.url, maxResponseBytes: 1024 }).queryRange({ ...range, query: 'x' }),
    );
    expect(error.message).toMatch(/larger than/);
  });

  it('reports an unreachable Prometheus without the credentials of its URL', async () => {
    const server = await stub(() => undefined);
    const url = server.url.replace('http://', 'http://user:secret@');
    await close!();
    close = undefined;
    const error = await failure(
      new PrometheusMetrics({ url, retries: 1, backoffMs: 1 }).queryRange({ ...range, query: 'x' }),
    );
    expect(error.errorType).toBe('unavailable');
    expect(error.message).toMatch(
      /^cannot reach Prometheus at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED \(2 attempts\)$/,
    );
    expect(error.message).not.toMatch(/secret/);
  });

  it('sends credentials of the URL as basic auth, not in the URL', async () => {
    const server = await stub((_, res) =>
      sendJson(res, 200, { status: 'success', data: { resultType: 'matrix', result: [] } }),
    );
    const url = server.url.replace('http://', 'http://ann:p%40ss@');
    await new PrometheusMetrics({ url }).queryRange({ ...range, query: 'x' });
    expect(server.requests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from('ann:p@ss').toString('base64')}`,
    );
  });

  it('links to the graph page for the exact window, one panel per query', () => {
    const prometheus = new PrometheusMetrics({ url: 'https://prom.example.com/p/' });
    expect(prometheus.graphUrl(['a{x="1"}', 'b + c'], range)).toBe(
      'https://prom.example.com/p/graph?' +
        'g0.expr=a%7Bx%3D%221%22%7D&g0.tab=0&g0.range_input=1800s&g0.end_input=2024-01-01%2010%3A30%3A00&g0.moment_input=2024-01-01%2010%3A30%3A00&g0.step_input=60&' +
        'g1.expr=b%20%2B%20c&g1.tab=0&g1.range_input=1800s&g1.end_input=2024-01-01%2010%3A30%3A00&g1.moment_input=2024-01-01%2010%3A30%3A00&g1.step_input=60',
    );
  });
});

describe('Prometheus options from the configuration', () => {
  it('reads bearer and basic credentials from the named environment variables', () => {
    const bearer = prometheusOptions(
      {
        url: 'https://p',
        auth: { type: 'bearer', tokenEnv: 'TOKEN' },
        headers: { 'X-Scope-OrgID': 'shop' },
        timeout: '5s',
      },
      { TOKEN: 't0k' },
    );
    expect(bearer).toEqual({
      url: 'https://p',
      headers: { 'X-Scope-OrgID': 'shop', authorization: 'Bearer t0k' },
      timeoutMs: 5000,
    });
    const basic = prometheusOptions(
      { url: 'https://p', auth: { type: 'basic', usernameEnv: 'U', passwordEnv: 'P' } },
      { U: 'ann', P: 'pw' },
      'http://override:9090',
    );
    expect(basic).toEqual({
      url: 'http://override:9090',
      headers: { authorization: `Basic ${Buffer.from('ann:pw').toString('base64')}` },
    });
  });

  it('says which variable is missing, and refuses a URL that is not http(s)', () => {
    expect(() =>
      prometheusOptions({ url: 'https://p', auth: { type: 'bearer', tokenEnv: 'TOKEN' } }, {}),
    ).toThrow(
      new ValidationError(
        'canary.prometheus.auth.tokenEnv names TOKEN, but that environment variable is not set',
      ),
    );
    expect(() => prometheusOptions('https://p', {}, 'file:///etc/passwd')).toThrow(/not an http\(s\) URL/);
  });
});
