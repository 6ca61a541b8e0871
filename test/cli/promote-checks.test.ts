import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gantry } from '../support/cli.ts';
import { checkout } from '../support/gitops-checkout.ts';

const FROZEN = `version: 1
environments:
  prod:
    by: alice
    at: "2026-11-25T12:00:00.000Z"
    reason: incident 42
`;

describe('gantry promote: freezes, dry run and --config', () => {
  it('refuses to promote into a frozen environment unless --ignore-freeze, and says what it ignored', () => {
    const { dir, git } = checkout();
    mkdirSync(join(dir, '.gantry'));
    writeFileSync(join(dir, '.gantry/freeze.yml'), FROZEN);
    const refused = gantry(['promote', '--repo', dir, '--to', 'prod', '--app', 'api', '--write']);
    expect(refused).toMatchObject({
      code: 1,
      stderr:
        'gantry: prod is frozen until unfrozen by alice since 2026-11-25T12:00:00.000Z: incident 42; pass --ignore-freeze to promote anyway\n',
    });
    expect(git('status', '--porcelain')).toBe('?? .gantry/');
    const forced = gantry(['promote', '--repo', dir, '--to', 'prod', '--app', 'api', '--ignore-freeze']);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('gantry: warning: prod is frozen until unfrozen by alice');
    // staging is not frozen: no flag needed.
    expect(gantry(['promote', '--repo', dir, '--to', 'staging', '--app', 'api']).code).toBe(0);
  });

  it('a dry run and --write agree: a file whose directory is missing is created by both', () => {
    const { dir } = checkout();
    const config = join(dir, '.gantry.yml');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace(
        '      - kind: file            # promoted verbatim, like a version.yml/settings.yml layout\n        path: apps/web/envs/{env}/settings.yml\n',
        '      - kind: file            # promoted verbatim, like a version.yml/settings.yml layout\n        path: apps/web/envs/{env}/settings.yml\n      - kind: file\n        path: apps/web/flags/{env}/flags.yml\n',
      ),
    );
    mkdirSync(join(dir, 'apps/web/flags/staging'), { recursive: true });
    writeFileSync(join(dir, 'apps/web/flags/staging/flags.yml'), 'beta: true\n');
    const dry = gantry(['promote', '--repo', dir, '--to', 'prod/eu-west', '--app', 'web']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('+++ b/apps/web/flags/prod/eu-west/flags.yml');
    const write = gantry(['promote', '--repo', dir, '--to', 'prod/eu-west', '--app', 'web', '--write']);
    expect(write.code, write.stderr).toBe(0);
    expect(readFileSync(join(dir, 'apps/web/flags/prod/eu-west/flags.yml'), 'utf8')).toBe('beta: true\n');
  });

  it('reads --config relative to --repo, and a missing --config file is an error', () => {
    const { dir } = checkout();
    const elsewhere = gantry(['promote', '--repo', dir, '--config', '.gantry.yml', '--to', 'staging'], {
      cwd: '/',
    });
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    const missing = gantry(['promote', '--repo', dir, '--config', 'nope.yml', '--to', 'staging']);
    expect(missing).toMatchObject({ code: 1, stderr: `gantry: ${join(dir, 'nope.yml')}: no such file\n` });
  });
});

describe('gantry status: missing files and freezes', () => {
  it('exits 1 when a file is missing, naming the config entry, and shows what is frozen', () => {
    const { dir } = checkout();
    rmSync(join(dir, 'apps/api/envs/prod/us-east/kustomization.yaml'));
    mkdirSync(join(dir, '.gantry'));
    writeFileSync(join(dir, '.gantry/freeze.yml'), FROZEN);
    const result = gantry(['status', '--repo', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '\nfrozen:\n  prod: frozen until unfrozen by alice since 2026-11-25T12:00:00.000Z: incident 42\n',
    );
    expect(result.stdout).toContain(
      'api @ prod/us-east: apps/api/envs/prod/us-east/kustomization.yaml not found (apps.api.artifacts[0] in prod/us-east)',
    );
    const json = JSON.parse(gantry(['status', '--repo', dir, '--json']).stdout);
    expect(json.freezes).toEqual([
      {
        environment: 'prod',
        description: 'frozen until unfrozen by alice since 2026-11-25T12:00:00.000Z: incident 42',
      },
    ]);
  });
});
