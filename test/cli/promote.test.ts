import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gantry } from '../support/cli.ts';
import { checkout, copy } from '../support/gitops-checkout.ts';

/** A git checkout of examples/gitops with two commits of history in staging. */
describe('gantry promote', () => {
  it('refuses a move whose order it cannot know, says why, and proceeds with a note when asked', () => {
    const dir = copy(); // no git history: sha-41ab0d3 and sha-9f2c1e7 cannot be ordered
    const refused = gantry(['promote', '--repo', dir, '--to', 'prod', '--app', 'worker']);
    expect(refused).toMatchObject({
      code: 1,
      stderr:
        'gantry: worker: prod/eu-west would move from sha-41ab0d3 to sha-9f2c1e7, and their order cannot be known: sha-9f2c1e7 and sha-41ab0d3 are not version numbers, and no git history was available to order them; pass --allow-unordered if you know the move is right\n',
    });
    const allowed = gantry([
      'promote',
      '--repo',
      dir,
      '--to',
      'prod',
      '--app',
      'worker',
      '--allow-unordered',
    ]);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain(
      '> prod/eu-west: moved from sha-41ab0d3 to sha-9f2c1e7 without a known order',
    );
  });

  it('prints titles, bodies and a unified diff by default, changing nothing', () => {
    const { dir, git } = checkout();
    const result = gantry(['promote', '--repo', dir, '--to', 'prod']);
    expect(result.code, result.stderr).toBe(0);
    expect(git('status', '--porcelain')).toBe('');
    expect(result.stdout).toContain('Title: Promote web to prod: 1.3.2 → 1.4.0');
    expect(result.stdout).toContain(
      '-  tag: "1.3.2"   # promoted by gantry\n+  tag: "1.4.0"   # promoted by gantry\n',
    );
    expect(result.stdout).toContain('3 promotion(s) from staging to prod: api, web, worker');
    expect(result.stdout).toContain('(dry run: nothing was changed');
  });

  it('gives the plan as JSON', () => {
    const result = gantry([
      'promote',
      '--repo',
      checkout().dir,
      '--to',
      'prod/us-east',
      '--app',
      'web',
      '--json',
    ]);
    const plan = JSON.parse(result.stdout);
    expect(plan).toMatchObject({ mode: 'dry-run', environment: 'prod', empty: false, commits: [] });
    expect(plan.apps.map((a: { branch: string }) => a.branch)).toEqual(['gantry/prod/us-east/web']);
    expect(plan.apps[0].files).toEqual([
      'apps/web/envs/prod/us-east/values.yaml',
      'apps/web/envs/prod/us-east/settings.yml',
    ]);
  });

  it('--write changes exactly the planned bytes in the working tree', () => {
    const { dir, git } = checkout();
    const result = gantry(['promote', '--repo', dir, '--to', 'prod', '--app', 'api', '--write']);
    expect(result.code).toBe(0);
    expect(git('diff', '--stat')).toBe(
      [
        ' apps/api/envs/prod/eu-west/kustomization.yaml | 3 ++-',
        ' apps/api/envs/prod/us-east/kustomization.yaml | 3 ++-',
        ' 2 files changed, 4 insertions(+), 2 deletions(-)',
      ].join('\n'),
    );
  });

  it('--write --commit makes one commit per app on its branch, orders non-semver tags by history and finds lineage', () => {
    const { dir, git } = checkout();
    const head = git('rev-parse', 'HEAD');
    const result = gantry([
      'promote',
      '--repo',
      dir,
      '--to',
      'prod',
      '--app',
      'worker',
      '--write',
      '--commit',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.apps[0].metadata).toMatchObject({
      targets: [
        {
          target: 'prod/eu-west',
          from: { tag: 'sha-41ab0d3' },
          to: { tag: 'sha-9f2c1e7' },
          skipped: ['sha-77aa001'],
        },
        {
          target: 'prod/us-east',
          from: { tag: 'sha-41ab0d3' },
          to: { tag: 'sha-9f2c1e7' },
          skipped: ['sha-77aa001'],
        },
      ],
      lineage: { number: 9 },
    });
    expect(out.apps[0].notes).toEqual([]);
    const sha = out.commits[0].sha;
    expect(git('rev-parse', 'gantry/prod/worker')).toBe(sha);
    expect(git('rev-parse', `${sha}^`)).toBe(head);
    expect(git('diff', '--name-only', head, sha).split('\n')).toEqual([
      'apps/worker/envs/prod/eu-west/deployment.yaml',
      'apps/worker/envs/prod/us-east/deployment.yaml',
    ]);
    expect(git('status', '--porcelain')).toBe('');
    // Latest wins: a second run rebuilds the same branch from the base, still one commit.
    const again = gantry([
      'promote',
      '--repo',
      dir,
      '--to',
      'prod',
      '--app',
      'worker',
      '--write',
      '--commit',
    ]);
    expect(again.code).toBe(0);
    expect(git('rev-list', '--count', `${head}..gantry/prod/worker`)).toBe('1');
  });

  it('refuses to roll back without --allow-downgrade, and rolls back with it', () => {
    const { dir } = checkout();
    const refused = gantry(['promote', '--repo', dir, '--to', 'dev', '--from', 'staging', '--app', 'web']);
    // An explicit backport (staging → dev) is allowed, but never a move to an older version.
    expect(refused).toMatchObject({
      code: 1,
      stderr:
        'gantry: web: dev would move from 1.5.0-rc.1 to 1.4.0, an older version (1.4.0 is older than 1.5.0-rc.1); pass --allow-downgrade to roll back\n',
    });
    const values = join(dir, 'apps/web/envs/staging/values.yaml');
    writeFileSync(values, readFileSync(values, 'utf8').replace('"1.4.0"', '"1.2.0"'));
    const downgrade = gantry(['promote', '--repo', dir, '--to', 'prod', '--app', 'web']);
    expect(downgrade.code).toBe(1);
    expect(downgrade.stderr).toBe(
      'gantry: web: prod/eu-west would move from 1.3.2 to 1.2.0, an older version (1.2.0 is older than 1.3.2); pass --allow-downgrade to roll back\n',
    );
    expect(gantry(['promote', '--repo', dir, '--to', 'prod', '--app', 'web', '--allow-downgrade']).code).toBe(
      0,
    );
  });

  it('reports bad input specifically and writes nothing', () => {
    const { dir, git } = checkout();
    const cases: Array<[string[], number, string | RegExp]> = [
      [
        ['--to', 'prd'],
        64,
        'gantry: unknown environment "prd" (did you mean "prod"?); expected one of: dev, staging, prod, prod/eu-west, prod/us-east\n',
      ],
      [
        ['--to', 'prod', '--app', 'wbe'],
        64,
        'gantry: unknown app "wbe" (did you mean "web"?); expected one of: api, web, worker\n',
      ],
      [
        ['--to', 'staging', '--from', 'staging/eu'],
        64,
        'gantry: unknown environment "staging/eu" (did you mean "staging"?); expected one of: dev, staging, prod, prod/eu-west, prod/us-east\n',
      ],
      [
        ['--to', 'prod', '--dry-run', '--write'],
        64,
        'gantry: --dry-run cannot be combined with --write or --commit\n',
      ],
    ];
    for (const [args, code, message] of cases) {
      const result = gantry(['promote', '--repo', dir, ...args, '--write']);
      expect(result.code, args.join(' ')).toBe(code);
      expect(result.stderr).toEqual(message);
    }
    rmSync(join(dir, 'apps/web/envs/prod/us-east/values.yaml'));
    // A missing file blocks its own app (exit 1, named on stderr); the other apps are written.
    const missing = gantry(['promote', '--repo', dir, '--to', 'prod', '--write']);
    expect(missing.stdout).toContain('blocked: web (apps/web/envs/prod/us-east/values.yaml: file not found');
    expect(missing).toMatchObject({
      code: 1,
      stderr:
        'gantry: apps/web/envs/prod/us-east/values.yaml: file not found (apps.web.artifacts[0] in prod/us-east)\n',
    });
    git('checkout', '--', '.');
    writeFileSync(join(dir, 'apps/web/envs/prod/eu-west/values.yaml'), 'image:\n  tag:\n    nested: true\n');
    const nonScalar = gantry(['promote', '--repo', dir, '--to', 'prod', '--app', 'web', '--write']);
    expect(nonScalar.stderr).toBe(
      'gantry: apps/web/envs/prod/eu-west/values.yaml:3: image.tag: expected a scalar value, found a mapping with keys "nested"; point `key:` at the scalar inside it (e.g. image.tag.nested) (apps.web.artifacts[0] in prod/eu-west)\n',
    );
    writeFileSync(join(dir, 'apps/web/envs/prod/eu-west/values.yaml'), 'image: [unclosed\n');
    const malformed = gantry(['promote', '--repo', dir, '--to', 'prod', '--app', 'web', '--write']);
    expect(malformed.stderr).toMatch(
      /^gantry: apps\/web\/envs\/prod\/eu-west\/values\.yaml:2:1: malformed YAML: /,
    );
    // Nothing else was written by any of the failed runs.
    expect(git('status', '--porcelain')).toBe(' M apps/web/envs/prod/eu-west/values.yaml');
  });

  it('refuses --commit on a dirty working tree, before writing anything', () => {
    const { dir, git } = checkout();
    writeFileSync(join(dir, 'README.md'), 'edited\n');
    const result = gantry(['promote', '--repo', dir, '--to', 'prod', '--write', '--commit']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /has uncommitted changes \(README\.md\); commit or stash them before --commit/,
    );
    expect(git('branch', '--list', 'gantry/*')).toBe('');
  });

  it('refuses to write through a symbolic link', () => {
    const { dir } = checkout();
    const target = join(dir, 'apps/web/envs/prod/us-east/values.yaml');
    const outside = join(mkdtempSync(join(tmpdir(), 'outside-')), 'values.yaml');
    cpSync(target, outside);
    rmSync(target);
    symlinkSync(outside, target);
    const result = gantry(['promote', '--repo', dir, '--to', 'prod', '--app', 'web', '--write']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'gantry: apps/web/envs/prod/us-east/values.yaml: is a symbolic link; gantry only edits regular files\n',
    );
  });
});

describe('gantry status', () => {
  it('prints the app × environment/target matrix', () => {
    const dir = copy(); // without the prod freeze window: the output does not depend on the day
    const result = gantry(['status', '--repo', dir]);
    expect(result.stdout).toBe(
      [
        'app     dev          staging                    prod/eu-west  prod/us-east',
        'api     2.5.0-rc.2   2.4.0@sha256:4b7e2d1f9a0c  2.3.1         2.3.1',
        'web     1.5.0-rc.1   1.4.0                      1.3.2         1.3.2',
        'worker  sha-9f2c1e7  sha-9f2c1e7                sha-41ab0d3   sha-41ab0d3',
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(0);
    const matrix = JSON.parse(gantry(['status', '--repo', dir, '--json']).stdout);
    expect(matrix.freezes).toEqual([]);
    expect(matrix.columns).toEqual(['dev', 'staging', 'prod/eu-west', 'prod/us-east']);
    expect(matrix.rows[1].cells[2]).toEqual({ location: 'prod/eu-west', version: '1.3.2' });
  });
});
