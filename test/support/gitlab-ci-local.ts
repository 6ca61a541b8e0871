import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { repoRoot } from './cli.ts';

const bin = join(repoRoot, 'node_modules/gitlab-ci-local/dist/index.js');

export interface GclRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs gitlab-ci-local in `cwd` with the given CI variables. Variables go through a variables
 * file (any text, newlines included, stays data) with an isolated home, so nothing from the
 * machine's ~/.gitlab-ci-local leaks in. `unset` removes predefined variables (such as
 * CI_COMMIT_BRANCH, which gitlab-ci-local derives from the checkout).
 */
export function gitlabCiLocal(
  cwd: string,
  args: readonly string[],
  variables: Record<string, string> = {},
  unset: readonly string[] = [],
): Promise<GclRun> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-gcl-'));
  const file = join(dir, 'variables.yml');
  // The explicit form: a value starting with "/" would otherwise be read as a file path.
  const entries = Object.entries(variables).map(([k, v]) => [k, { type: 'variable', values: { '*': v } }]);
  writeFileSync(file, stringify(Object.fromEntries(entries)));
  const argv = [
    bin,
    // gitlab-ci-local wants --cwd relative; the process already runs in the repository.
    '--cwd',
    '.',
    '--home',
    dir,
    '--variables-file',
    file,
    '--no-color',
    ...unset.flatMap((name) => ['--unset-variable', name]),
    ...args,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd,
      env: { ...process.env, GCL_IGNORE_PREDEFINED_VARS: Object.keys(variables).join(',') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
