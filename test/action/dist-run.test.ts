import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.ts';
import { SHA } from '../support/tag-cases.ts';

/**
 * The committed bundle, run by Node 24 as the runner runs it, with a `docker` on PATH that
 * records its arguments and plays Kaniko (writes the digest into the mounted output).
 */
function runDist(inputs: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-action-'));
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'workspace'));
  const docker = join(dir, 'bin/docker');
  writeFileSync(
    docker,
    [
      '#!/bin/sh',
      'printf \'%s\\0\' "$@" >"$STUB_ARGS"',
      'for a in "$@"; do',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion
      '  case $a in *:/gantry-out) printf \'sha256:%064d\\n\' 5 >"${a%:/gantry-out}/digest" ;; esac',
      'done',
      '',
    ].join('\n'),
  );
  chmodSync(docker, 0o755);
  writeFileSync(join(dir, 'event.json'), JSON.stringify({ repository: { default_branch: 'main' } }));
  writeFileSync(join(dir, 'output'), '');
  const env: Record<string, string> = {
    PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
    STUB_ARGS: join(dir, 'args'),
    RUNNER_TEMP: dir,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: 'refs/tags/v3.1.4',
    GITHUB_SHA: SHA,
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_WORKSPACE: join(dir, 'workspace'),
    GITHUB_OUTPUT: join(dir, 'output'),
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const result = spawnSync(process.execPath, [join(repoRoot, 'dist/index.js')], { env, encoding: 'utf8' });
  const read = (file: string) => {
    try {
      return readFileSync(join(dir, file), 'utf8');
    } catch {
      return null;
    }
  };
  return { ...result, args: read('args')?.split('\0').slice(0, -1) ?? null, output: read('output') };
}

describe('dist/index.js', () => {
  it('runs the executor through docker and sets the step outputs', () => {
    const run = runDist({
      image: 'ghcr.io/shop/web',
      'registry-username': 'bot',
      'registry-password': 'secret',
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.args?.filter((a) => a.startsWith('--destination='))).toEqual([
      '--destination=ghcr.io/shop/web:3.1.4',
      '--destination=ghcr.io/shop/web:3.1',
      '--destination=ghcr.io/shop/web:3',
      '--destination=ghcr.io/shop/web:latest',
    ]);
    expect(run.output).toMatch(/^image<<gantry_[0-9a-f-]{36}\nghcr\.io\/shop\/web:3\.1\.4\ngantry_/);
    expect(run.output).toContain(`\nsha256:${'0'.repeat(63)}5\n`);
    expect(run.stdout).not.toContain('secret');
  });

  it('reports bad inputs as one workflow error annotation and exits 1', () => {
    const run = runDist({ image: 'Not An Image', context: '/abs' });
    expect(run.status).toBe(1);
    expect(run.args).toBeNull();
    expect(run.stdout).toMatch(
      /^::error title=gantry::input "image": .*%0Ainput "context": "\/abs" is not a path/m,
    );
  });
});
