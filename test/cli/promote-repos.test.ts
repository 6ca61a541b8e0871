import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gantry, repoRoot } from '../support/cli.ts';

const fixture = join(repoRoot, 'test/fixtures/layouts/repo-per-env');

/** The two repositories of the repo-per-env layout, side by side in a scratch directory. */
function checkouts() {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-repos-'));
  cpSync(join(fixture, 'staging'), join(dir, 'staging'), { recursive: true });
  cpSync(join(fixture, 'production'), join(dir, 'production'), { recursive: true });
  return dir;
}

describe('gantry promote with an environment in its own repository', () => {
  it('asks for the other checkout by name when it is not given', () => {
    const dir = checkouts();
    const result = gantry(['promote', '--repo', join(dir, 'staging'), '--to', 'production']);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain(
      'an environment lives in shop/argocd-production: pass --repo-dir shop/argocd-production=<its checkout>',
    );
  });

  it('reads and writes the other checkout given with --repo-dir, naming its files in the diff', () => {
    const dir = checkouts();
    const args = [
      'promote',
      '--repo',
      join(dir, 'staging'),
      '--to',
      'production',
      '--repo-dir',
      `shop/argocd-production=${join(dir, 'production')}`,
      // The staging environment names its repository too: the checkout is given by name.
      '--repo-dir',
      `shop/argocd-staging=${join(dir, 'staging')}`,
    ];
    const dry = gantry(args);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('--- a/shop/argocd-production:helm/templates/toolkit.yaml');
    expect(dry.stdout).toContain('-          value: "1.3.0"\n+          value: "1.4.0"');
    const wrote = gantry([...args, '--write']);
    expect(wrote.code, wrote.stderr).toBe(0);
    expect(readFileSync(join(dir, 'production/helm/templates/toolkit.yaml'), 'utf8')).toContain(
      'value: "1.4.0"',
    );
    expect(readFileSync(join(dir, 'staging/helm/templates/toolkit.yaml'), 'utf8')).toContain(
      'value: "1.4.0"',
    );
    expect(gantry([...args, '--write', '--commit']).stderr).toContain('--commit works in one checkout');
  });
});
