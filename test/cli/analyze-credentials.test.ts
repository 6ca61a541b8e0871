import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gantryAsync } from '../support/cli.ts';
import { startStub } from '../support/http-stub.ts';

/**
 * `--prometheus URL` points the analysis at another Prometheus (a port-forward, a local one):
 * the file's credentials belong to the Prometheus the file names and are neither demanded
 * nor sent elsewhere.
 */
const config = (url: string) => `version: 1
environments: [{ name: staging }]
canary:
  prometheus:
    url: ${url}
    timeout: 2s
    auth: { type: bearer, tokenEnv: PROMETHEUS_TOKEN }
  selectors:
    canary: { app: "{app}", track: canary }
    baseline: { app: "{app}", track: stable }
  metrics:
    - name: latency
      query: max(request_latency_seconds{SELECTOR})
`;

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
});

async function prometheus() {
  const stub = await startStub((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }));
  });
  close = stub.close;
  return stub;
}

function analyze(file: string, extra: string[], env: Record<string, string> = {}) {
  const args = [
    'analyze',
    '--config',
    file,
    '--app',
    'web',
    '--env',
    'staging',
    '--end',
    '1704105000',
    '--json',
  ];
  return gantryAsync([...args, ...extra], { env: { PROMETHEUS_TOKEN: '', ...env } });
}

function writeConfig(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'gantry-analyze-creds-')), '.gantry.yml');
  writeFileSync(file, text);
  return file;
}

describe('gantry analyze --prometheus', () => {
  it('runs without the file’s credentials against another Prometheus, and sends none', async () => {
    const stub = await prometheus();
    const result = await analyze(writeConfig(config('https://prometheus.example.com')), [
      '--prometheus',
      stub.url,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(2); // no data: inconclusive, an analysis, not an error
    expect(stub.requests.length).toBeGreaterThan(0);
    expect(stub.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('still uses them for the Prometheus the file names', async () => {
    const stub = await prometheus();
    const file = writeConfig(config(stub.url));
    const missing = await analyze(file, ['--prometheus', `${stub.url}/`]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/PROMETHEUS_TOKEN/);
    const result = await analyze(file, ['--prometheus', stub.url], { PROMETHEUS_TOKEN: 't0ken' });
    expect(result.code).toBe(2);
    expect(new Set(stub.requests.map((r) => r.headers.authorization))).toEqual(new Set(['Bearer t0ken']));
  });
});
