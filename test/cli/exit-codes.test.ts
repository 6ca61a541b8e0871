import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gantryAsync } from '../support/cli.ts';
import { makeRepo } from '../support/git-repo.ts';
import { checkout } from '../support/gitops-checkout.ts';

/**
 * One exit-code table for every command (docs/cli.md): 0 ok, 1 refused / invalid / check
 * failed, 2 inconclusive (analyze), 3 error (analyze: anything that stops the analysis),
 * 64 wrong command line. Each row is one command over one of its error cases.
 */
describe('the exit-code table, command by command', () => {
  const gitops = checkout();
  const dir = gitops.dir;
  // A second checkout in a state each refusal needs.
  const downgraded = checkout().dir;
  const values = join(downgraded, 'apps/web/envs/staging/values.yaml');
  writeFileSync(values, readFileSync(values, 'utf8').replace('"1.4.0"', '"1.2.0"'));
  const frozen = checkout().dir;
  mkdirSync(join(frozen, '.gantry'));
  writeFileSync(
    join(frozen, '.gantry/freeze.yml'),
    'version: 1\nenvironments:\n  prod: { by: alice, at: "2026-11-25T12:00:00.000Z" }\n',
  );
  const missing = checkout().dir;
  rmSync(join(missing, 'apps/web/envs/prod/us-east/values.yaml'));
  const app = makeRepo({ Dockerfile: 'FROM scratch\n' }).dir;
  const invalid = join(dir, 'invalid.yml');
  writeFileSync(
    invalid,
    'version: 1\napps:\n  web:\n    artifacts:\n      - { kind: helm, path: "x/{env}.yaml" }\n',
  );
  const canary = join(dir, 'canary.yml');
  writeFileSync(
    canary,
    `version: 1
environments: [{ name: staging }]
canary:
  prometheus: { url: "http://127.0.0.1:1", timeout: 1s }
  selectors:
    canary: { app: "{app}", track: canary }
    baseline: { app: "{app}", track: stable }
  metrics:
    - name: latency
      query: max(request_latency_seconds{SELECTOR})
`,
  );

  const table: Array<[string, string[], number]> = [
    ['no such command', ['promot', '--to', 'prod'], 64],
    ['help', ['--help'], 0],
    ['config validate: no such file', ['config', 'validate', join(dir, 'nope.yml')], 1],
    ['config validate: invalid', ['config', 'validate', invalid], 1],
    ['config schema: unknown option', ['config', 'schema', '--nope'], 64],
    ['promote: --to missing', ['promote', '--repo', dir], 64],
    ['promote: unknown environment', ['promote', '--repo', dir, '--to', 'prd'], 64],
    ['promote: unknown app', ['promote', '--repo', dir, '--to', 'prod', '--app', 'wbe'], 64],
    ['promote: into a first environment', ['promote', '--repo', dir, '--to', 'dev'], 64],
    ['promote: conflicting flags', ['promote', '--repo', dir, '--to', 'prod', '--dry-run', '--write'], 64],
    ['promote: missing --config', ['promote', '--repo', dir, '--config', 'nope.yml', '--to', 'prod'], 1],
    ['promote: invalid config', ['promote', '--repo', dir, '--config', 'invalid.yml', '--to', 'prod'], 1],
    ['promote: downgrade', ['promote', '--repo', downgraded, '--to', 'prod', '--app', 'web'], 1],
    ['promote: frozen', ['promote', '--repo', frozen, '--to', 'prod'], 1],
    ['promote: manifest missing', ['promote', '--repo', missing, '--to', 'prod', '--app', 'web'], 1],
    ['promote: ok', ['promote', '--repo', dir, '--to', 'prod'], 0],
    ['status: unknown option', ['status', '--repo', dir, '--nope'], 64],
    ['status: missing --config', ['status', '--repo', dir, '--config', 'nope.yml'], 1],
    ['status: a file is missing', ['status', '--repo', missing], 1],
    ['status: ok', ['status', '--repo', dir], 0],
    ['ci render: unknown platform', ['ci', 'render', '--platform', 'gitlb', '--repo', app], 64],
    [
      'ci render: missing --config',
      ['ci', 'render', '--platform', 'gitlab', '--repo', app, '--config', 'nope.yml'],
      1,
    ],
    ['ci render: not up to date', ['ci', 'render', '--platform', 'gitlab', '--repo', app, '--check'], 1],
    ['analyze: --app missing', ['analyze', '--config', canary, '--env', 'staging'], 64],
    ['analyze: unknown environment', ['analyze', '--config', canary, '--app', 'web', '--env', 'stagin'], 64],
    [
      'analyze: missing --config',
      ['analyze', '--config', join(dir, 'nope.yml'), '--app', 'web', '--env', 'staging'],
      3,
    ],
    [
      'analyze: Prometheus unreachable (no data: inconclusive, never a pass)',
      ['analyze', '--config', canary, '--app', 'web', '--env', 'staging'],
      2,
    ],
  ];

  it('exits as the table says, for every command', async () => {
    const results: Array<[string, number | null, string]> = [];
    for (let i = 0; i < table.length; i += 4) {
      const batch = table.slice(i, i + 4);
      const runs = await Promise.all(batch.map(([, args]) => gantryAsync(args)));
      for (const [j, r] of runs.entries()) results.push([batch[j]![0], r.code, r.stderr + r.stdout]);
    }
    expect(results.map(([name, code]) => [name, code])).toEqual(table.map(([name, , code]) => [name, code]));
    // Every failure says why (config validate reports on stdout: the report is its output).
    for (const [name, code, stderr] of results) if (code !== 0) expect(stderr, name).toMatch(/\S/);
  }, 120_000);
});
