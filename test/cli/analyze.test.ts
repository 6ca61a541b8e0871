import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gantry, gantryAsync } from '../support/cli.ts';
import { startStub } from '../support/http-stub.ts';

/**
 * `gantry analyze` when Prometheus is not there, too slow or answers garbage: every metric
 * is inconclusive with the reason and the exit code is 2 — never a pass. And the ways the
 * command itself is misused: 64 for the command line, 3 for anything that stops the analysis.
 */
const config = (extra = '') => `version: 1
environments:
  - name: staging
  - name: prod
    targets: [prod/eu-west]
canary:
  prometheus:
    url: http://127.0.0.1:1
    timeout: 1s
${extra}  selectors:
    canary: { app: "{app}", track: canary }
    baseline: { app: "{app}", track: stable }
  metrics:
    - name: latency
      query: max(request_latency_seconds{SELECTOR})
    - name: error-rate
      ratio:
        numerator: sum(increase(http_requests_total{code="500",SELECTOR}[1m]))
        denominator: sum(increase(http_requests_total{SELECTOR}[1m]))
`;

function writeConfig(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'gantry-analyze-cli-')), '.gantry.yml');
  writeFileSync(file, text);
  return file;
}

const base = (file: string) => [
  'analyze',
  '--config',
  file,
  '--app',
  'web',
  '--env',
  'staging',
  '--end',
  '1704105000',
];

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function stubbed(handler: Parameters<typeof startStub>[0]): Promise<string> {
  const stub = await startStub(handler);
  close = stub.close;
  return stub.url;
}

function reasons(stdout: string): string[] {
  return (JSON.parse(stdout) as { metrics: { reason: string }[] }).metrics.map((m) => m.reason);
}

describe('gantry analyze without a usable Prometheus', () => {
  it('is inconclusive (exit 2) when Prometheus is down', async () => {
    const url = await stubbed(() => undefined);
    await close!();
    close = undefined;
    const result = gantry([...base(writeConfig(config())), '--prometheus', url, '--json']);
    expect(result.code).toBe(2);
    const down = `cannot reach Prometheus at ${url}: ECONNREFUSED (3 attempts)`;
    expect(reasons(result.stdout)).toEqual([
      `canary query failed: ${down} (canary: no values; baseline: no values)`,
      `canary denominator query failed: ${down} (canary: no counts; baseline: no counts)`,
    ]);
    expect(JSON.parse(result.stdout).verdict).toBe('inconclusive');
  });

  it('is inconclusive (exit 2) when Prometheus is too slow, within the timeout plus 1 s whatever the retries', async () => {
    const url = await stubbed(() => {
      // Never answers.
    });
    const result = await gantryAsync([...base(writeConfig(config())), '--prometheus', url, '--json']);
    expect(result.code).toBe(2);
    // Three attempts of 1 s would take 3.75 s; the analysis' budget is the timeout plus 1 s.
    const slow = "no answer within the analysis' time budget of 2s (canary.prometheus.timeout plus 1s)";
    expect(reasons(result.stdout)).toEqual([
      `canary query failed: ${slow} (canary: no values; baseline: no values)`,
      `canary denominator query failed: ${slow} (canary: no counts; baseline: no counts)`,
    ]);
  });

  it('is inconclusive (exit 2) when Prometheus answers garbage', async () => {
    const url = await stubbed((_, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Sign in</body></html>');
    });
    const result = await gantryAsync([...base(writeConfig(config())), '--prometheus', url, '--markdown']);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^### ⚠️ Canary inconclusive: web in staging\n/);
    // The HTML is shown as text in the report, never as HTML.
    expect(result.stdout).toContain(
      'canary query failed: Prometheus answered something that is not its API\'s JSON: HTTP 200 with a body that is not JSON: "&lt;html&gt;&lt;body&gt;Sign in&lt;/body&gt;&lt;/html&gt;"',
    );
    expect(result.stdout).not.toContain('<html>');
  });

  it("passes Prometheus' own error through (exit 2), sending the configured auth header", async () => {
    const seen: (string | undefined)[] = [];
    const url = await stubbed((request, res) => {
      seen.push(request.headers.authorization);
      res.writeHead(422, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'error',
          errorType: 'execution',
          error: 'query processing would load too many samples',
        }),
      );
    });
    // The file names this Prometheus: its credentials go there (and only there).
    const file = writeConfig(
      config()
        .replace('http://127.0.0.1:1', url)
        .replace('    timeout: 1s\n', '    timeout: 1s\n    auth: { type: bearer, tokenEnv: PROM_TOKEN }\n'),
    );
    const result = await gantryAsync([...base(file), '--prometheus', url, '--json'], {
      env: { PROM_TOKEN: 's3cret' },
    });
    expect(result.code).toBe(2);
    expect(reasons(result.stdout)[0]).toBe(
      'canary query failed: Prometheus refused the query (execution): query processing would load too many samples (canary: no values; baseline: no values)',
    );
    expect(new Set(seen)).toEqual(new Set(['Bearer s3cret']));
  });
});

describe('gantry analyze usage', () => {
  const file = writeConfig(config());

  it('exits 64 on a wrong command line', () => {
    expect(gantry(['analyze', '--config', file, '--app', 'web']).code).toBe(64);
    const end = gantry([...base(file).slice(0, -2), '--end', 'yesterday']);
    expect(end.code).toBe(64);
    expect(end.stderr).toContain(
      '--end "yesterday" is not a time such as 2024-01-01T10:30:00Z or unix seconds',
    );
    expect(gantry([...base(file), '--window', '30 minutes']).code).toBe(64);
    expect(gantry([...base(file), '--json', '--markdown']).code).toBe(64);
  });

  it('exits 3, not 1, when the analysis cannot start', () => {
    const missing = gantry([
      'analyze',
      '--config',
      '/nonexistent/.gantry.yml',
      '--app',
      'web',
      '--env',
      'staging',
    ]);
    expect(missing).toMatchObject({
      code: 3,
      stderr: 'gantry analyze: /nonexistent/.gantry.yml: no such file\n',
    });
    const noCanary = writeConfig('version: 1\n');
    expect(gantry(['analyze', '--config', noCanary, '--app', 'web', '--env', 'staging'])).toMatchObject({
      code: 3,
      stderr: `gantry analyze: ${noCanary} has no "canary:" section\n`,
    });
    // An unknown environment is a usage error, 64, as in gantry promote.
    const unknown = gantry(['analyze', '--config', file, '--app', 'web', '--env', 'stagin', '--json']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toBe(
      'gantry: "stagin" is not an environment or target (did you mean "staging"?); expected one of: staging, prod, prod/eu-west\n',
    );
    expect(JSON.parse(unknown.stdout).error.code).toBe('usage');
    const token = writeConfig(
      config().replace('    timeout: 1s\n', '    auth: { type: bearer, tokenEnv: NO_SUCH_TOKEN_VAR }\n'),
    );
    expect(gantry(['analyze', '--config', token, '--app', 'web', '--env', 'staging']).stderr).toBe(
      'gantry analyze: canary.prometheus.auth.tokenEnv names NO_SUCH_TOKEN_VAR, but that environment variable is not set\n',
    );
    const invalid = writeConfig(
      config().replace('max(request_latency_seconds{SELECTOR})', 'max(request_latency_seconds{SELECTOR}))'),
    );
    const refused = gantry(['analyze', '--config', invalid, '--app', 'web', '--env', 'staging']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(
      /canary\.metrics\[0\]\.query: invalid PromQL at column 39: unexpected "\)"/,
    );
  });
});
