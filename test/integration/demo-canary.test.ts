import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.ts';

describe('npm run demo:canary', () => {
  it('backfills the sample series, runs gantry analyze against them and prints both reports', {
    timeout: 60_000,
  }, () => {
    const run = spawnSync(process.execPath, [join(repoRoot, 'scripts/demo/canary.ts')], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, PROMETHEUS_TOKEN: '' },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^pass: web in prod-canary: all 2 metrics passed$/m);
    expect(run.stdout).toMatch(
      /^fail: checkout in prod-canary: 1 of 2 metrics failed: error-rate \(critical\)$/m,
    );
    expect(run.stdout).toMatch(/^ {2}fail {9}error-rate \(critical\): baseline 0\.3%, canary 2\.5%/m);
  });
});
