import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gantry, repoRoot } from '../support/cli.ts';

describe('gantry CLI', () => {
  it('prints help and its version', () => {
    const help = gantry(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: gantry/);
    expect(help.stdout).toMatch(/config/);
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    expect(gantry(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('exits 64 on a command-line mistake, with a suggestion', () => {
    const result = gantry(['config', 'validat']);
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/Did you mean validate\?/);
  });

  it('validates the example (exit 0)', () => {
    const result = gantry(['config', 'validate', 'examples/.gantry.yml']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe('examples/.gantry.yml: valid (3 environments, 2 apps, 2 images, 2 metrics)\n');
  });

  it('warns about canary timings that cannot work as they read, and stays valid (exit 0)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-cli-'));
    const file = join(dir, '.gantry.yml');
    writeFileSync(
      file,
      `version: 1
canary:
  prometheus: http://prometheus:9090
  window: 2m
  step: 15s
  selectors: { canary: { track: canary }, baseline: { track: stable } }
  metrics: [{ name: latency, query: "max(avg_over_time(x{SELECTOR}[1m]))" }]
`,
    );
    const result = gantry(['config', 'validate', file]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      `${file}: warning: canary.metrics[0].query: ranges of 1m are longer than the step 15s: consecutive steps are dependent, so the test uses one step in 4 (at most 3 samples); a step as long as the range loses nothing`,
      `${file}: warning: canary.metrics[0].name: window 2m at step 15s gives at most 3 independent samples, fewer than minSamples (10): this metric is always inconclusive`,
      `${file}: valid (0 environments, 0 apps, 0 images, 1 metric)`,
      '',
    ]);
    const asJson = JSON.parse(gantry(['config', 'validate', '--json', file]).stdout);
    expect(asJson.warnings).toHaveLength(2);
    expect(asJson.warnings[0].path).toBe('canary.metrics[0].query');
  });

  it('rejects a bad file (exit 1) with file:line:column, field and expectation', () => {
    const file = 'test/fixtures/config/bad/after-nowhere.yml';
    const result = gantry(['config', 'validate', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      `${file}:6:12: environments[1].after: "stagin" is not an environment (did you mean "staging"?); expected one of: staging\n${file}: 1 problem(s)\n`,
    );
  });

  it('gives machine-readable errors with --json', () => {
    const file = 'test/fixtures/config/bad/unknown-key-top.yml';
    const result = gantry(['config', 'validate', '--json', file]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      valid: false,
      file,
      issues: [
        {
          file,
          line: 3,
          column: 1,
          path: 'enviroments',
          message: 'unknown key "enviroments" (did you mean "environments"?)',
        },
      ],
    });
  });

  it('follows a local extends chain on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-cli-'));
    writeFileSync(
      join(dir, 'base.yml'),
      'version: 1\nenvironments: [{ name: dev }, { name: prod, after: dev }]\n',
    );
    writeFileSync(
      join(dir, '.gantry.yml'),
      'extends: ./base.yml\nversion: 1\nenvironments: [{ name: prod, auto: true }]\n',
    );
    const result = gantry(['config', 'validate', '--json', '.gantry.yml'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).summary.environments).toBe(2);
  });

  it('says which file is missing (exit 1)', () => {
    const result = gantry(['config', 'validate', 'no/such/file.yml']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('gantry: no/such/file.yml: no such file\n');
  });

  it('prints the JSON Schema that is committed for editors', () => {
    const result = gantry(['config', 'schema']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(readFileSync(join(repoRoot, 'schema/gantry.schema.json'), 'utf8'));
  });
});
