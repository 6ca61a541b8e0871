import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.ts';

/**
 * The package as a user gets it: packed from a clean checkout (no lib/ yet, so `prepack` must
 * build it), unpacked into an empty project as npm installs it, with only the declared
 * `dependencies` beside it (linked from this checkout: no network), then run through its bin.
 */
/** npm as run by the test (npm_execpath under `npm test`), else the one on PATH, under this Node. */
const npmCommand = (args: string[]): [string, string[]] =>
  process.env.npm_execpath?.endsWith('.js') || process.env.npm_execpath?.endsWith('.cjs')
    ? [process.execPath, [process.env.npm_execpath, ...args]]
    : ['npm', args];

function cleanCheckout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-checkout-'));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f && !f.startsWith('lib/'));
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    try {
      cpSync(join(repoRoot, file), join(dir, file));
    } catch {
      // Deleted in the work tree but still tracked: not part of the package either.
    }
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

describe('npm package', () => {
  it('packs lib/ from a clean checkout and runs once installed', { timeout: 180_000 }, () => {
    const checkout = cleanCheckout();
    const out = mkdtempSync(join(tmpdir(), 'gantry-pack-'));
    const packed = execFileSync(...npmCommand(['pack', '--json', '--pack-destination', out]), {
      cwd: checkout,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` },
    });
    const [info] = JSON.parse(packed.slice(packed.indexOf('['))) as [
      { filename: string; files: { path: string }[] },
    ];
    const paths = info.files.map((f) => f.path);
    expect(paths).toContain('lib/entry/main.js');
    expect(paths).toContain('bin/gantry.js');
    expect(paths).toContain('app.yml');
    expect(paths).toContain('LICENSE');
    expect(paths.filter((p) => p.startsWith('src/') || p.startsWith('test/') || p === '.env')).toEqual([]);

    const project = mkdtempSync(join(tmpdir(), 'gantry-installed-'));
    const installed = join(project, 'node_modules', 'gantry');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(out, info.filename), '-C', installed, '--strip-components=1']);
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      bin: Record<string, string>;
    };
    for (const name of Object.keys(manifest.dependencies)) {
      mkdirSync(dirname(join(project, 'node_modules', name)), { recursive: true });
      symlinkSync(join(repoRoot, 'node_modules', name), join(project, 'node_modules', name));
    }
    mkdirSync(join(project, 'node_modules', '.bin'));
    symlinkSync(join('..', 'gantry', manifest.bin.gantry!), join(project, 'node_modules', '.bin', 'gantry'));
    const bin = join(project, 'node_modules', '.bin', 'gantry');
    const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` };
    const run = (args: string[]) => spawnSync(bin, args, { cwd: project, encoding: 'utf8', env });

    const version = run(['--version']);
    expect(version.stderr).toBe('');
    expect(version.stdout.trim()).toBe(
      JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version,
    );

    writeFileSync(
      join(project, '.gantry.yml'),
      'version: 1\nenvironments:\n  - name: staging\n  - name: prod\n',
    );
    const valid = run(['config', 'validate']);
    expect(valid.stderr).toBe('');
    expect(valid.status).toBe(0);
    writeFileSync(join(project, '.gantry.yml'), 'version: 1\nenvironments: nope\n');
    expect(run(['config', 'validate']).status).toBe(1);
  });
});
