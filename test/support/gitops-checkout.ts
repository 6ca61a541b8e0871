import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './cli.ts';

const example = join(repoRoot, 'examples/gitops');

/** A copy of examples/gitops without its prod freeze window, so tests do not depend on the day. */
export function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-gitops-'));
  cpSync(example, dir, { recursive: true });
  const config = join(dir, '.gantry.yml');
  writeFileSync(config, readFileSync(config, 'utf8').replace(/ {4}freeze:\n {6}- .*\n/, ''));
  return dir;
}

export function checkout(): { dir: string; git: (...args: string[]) => string } {
  const dir = copy();
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@e',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@e',
      },
    }).trimEnd();
  git('init', '-q', '-b', 'main');
  const worker = 'apps/worker/envs/staging/deployment.yaml';
  const original = readFileSync(join(dir, worker), 'utf8');
  // History: staging ran sha-41ab0d3, then sha-77aa001, then sha-9f2c1e7 (the current file).
  writeFileSync(join(dir, worker), original.replace('sha-9f2c1e7', 'sha-41ab0d3'));
  git('add', '-A');
  git('commit', '-q', '-m', 'initial');
  writeFileSync(join(dir, worker), original.replace('sha-9f2c1e7', 'sha-77aa001'));
  git('commit', '-q', '-am', 'Promote worker to staging (#7)');
  writeFileSync(join(dir, worker), original);
  git('commit', '-q', '-am', 'Promote worker to staging (#9)');
  return { dir, git };
}
