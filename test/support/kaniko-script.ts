import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { buildLabels } from '../../src/core/build/labels.ts';
import type { BuildEvent } from '../../src/core/build/tags.ts';
import { repoRoot } from './cli.ts';

/** The job script of the committed ci-includes/kaniko.yml, exactly as GitLab would run it. */
export function kanikoJobScript(): string {
  const docs = parseAllDocuments(readFileSync(join(repoRoot, 'ci-includes/kaniko.yml'), 'utf8'));
  const job = (docs as { toJS(): Record<string, { script: string[] }> }[])[1]!.toJS()['$[[ inputs.job ]]']!;
  if (job.script.length !== 1) throw new Error('expected a single script entry');
  return job.script[0]!;
}

/** The CI variables GitLab sets for an event. */
export function gitlabEventVariables(event: BuildEvent): Record<string, string> {
  switch (event.kind) {
    case 'tag':
      return {
        CI_COMMIT_TAG: event.tag,
        CI_COMMIT_SHA: event.sha,
        CI_DEFAULT_BRANCH: 'main',
        CI_PIPELINE_SOURCE: 'push',
      };
    case 'branch':
      return {
        CI_COMMIT_BRANCH: event.branch,
        CI_COMMIT_SHA: event.sha,
        CI_DEFAULT_BRANCH: event.defaultBranch,
        CI_PIPELINE_SOURCE: 'push',
      };
    case 'merge-request':
      return {
        CI_PIPELINE_SOURCE: 'merge_request_event',
        CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: event.sourceBranch,
        CI_COMMIT_SHA: event.sha,
        CI_DEFAULT_BRANCH: 'main',
      };
  }
}

export const STUB_DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
/** What GitLab sets for the default OCI labels, fixed so runs compare exactly. */
export const PIPELINE_CREATED_AT = '2026-12-01T12:00:00Z';
export const PROJECT_URL = 'https://gitlab.example.com/shop/web';
/** The executor image's own bundle, before the job appends anything. */
export const BASE_CA_BUNDLE = '# the executor image bundle\n';

/**
 * A stand-in for /kaniko/executor: records its arguments NUL-separated (so an argument with
 * a newline would show) and writes a digest where --digest-file says, like Kaniko.
 */
function writeStubExecutor(dir: string): string {
  const path = join(dir, 'executor');
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      'printf \'%s\\0\' "$@" >"$STUB_ARGS"',
      // What Kaniko would read: $DOCKER_CONFIG/config.json, wherever the job pointed it.
      'cat "$DOCKER_CONFIG/config.json" >"$STUB_ARGS.config" 2>/dev/null || true',
      'for a in "$@"; do',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion
      '  case $a in --digest-file=*) printf \'%s\\n\' "$STUB_DIGEST" >"${a#--digest-file=}" ;; esac',
      'done',
      '',
    ].join('\n'),
  );
  chmodSync(path, 0o755);
  return path;
}

const busybox = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();
let busyboxBin: string | undefined;
/** A directory where every busybox applet is a link to busybox: the executor debug image's /busybox. */
function busyboxPath(): string {
  if (busyboxBin) return busyboxBin;
  const dir = mkdtempSync(join(tmpdir(), 'gantry-busybox-'));
  const list = spawnSync('busybox', ['--list'], { encoding: 'utf8' });
  if (list.status !== 0) throw new Error(`busybox --list failed: ${list.stderr}`);
  for (const applet of list.stdout.split('\n').filter(Boolean)) symlinkSync(busybox, join(dir, applet));
  busyboxBin = dir;
  return dir;
}

export type Shell = 'dash' | 'busybox' | 'bash';

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The executor's arguments, or null when it was not run. */
  args: string[] | null;
  /** The dotenv the job leaves for later jobs, or null. */
  dotenv: string | null;
  dockerConfig: string | null;
  /** The config.json the executor saw through DOCKER_CONFIG, or null. */
  seenConfig: string | null;
  caBundle: string | null;
  /** The job's own docker config directory (DOCKER_CONFIG before the job ran). */
  dockerDir: string;
  /** Files in the working directory afterwards: nothing from a name may have created one. */
  cwdFiles: string[];
  project: string;
}

/** Runs the job script under a real POSIX shell with GitLab's variables for an event. */
export function runJobScript(
  shell: Shell,
  variables: Record<string, string>,
  script = kanikoJobScript(),
  setup?: (paths: { dir: string; dockerDir: string }) => void,
): ScriptRun {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-job-'));
  const project = join(dir, 'project');
  const cwd = join(dir, 'cwd');
  mkdirSync(project);
  mkdirSync(cwd);
  const stubArgs = join(dir, 'args');
  const dockerDir = join(dir, 'docker');
  const caBundle = join(dir, 'ca-certificates.crt');
  writeFileSync(caBundle, BASE_CA_BUNDLE);
  setup?.({ dir, dockerDir });
  const env: Record<string, string> = {
    PATH: shell === 'busybox' ? busyboxPath() : (process.env.PATH ?? '/usr/bin:/bin'),
    GANTRY_EXECUTOR: writeStubExecutor(dir),
    DOCKER_CONFIG: dockerDir,
    GANTRY_CA_BUNDLE: caBundle,
    CI_PIPELINE_CREATED_AT: PIPELINE_CREATED_AT,
    CI_PROJECT_URL: PROJECT_URL,
    CI_PROJECT_DIR: project,
    STUB_ARGS: stubArgs,
    STUB_DIGEST,
    GANTRY_JOB: 'gantry-build',
    GANTRY_IMAGE_NAME: 'registry.example.com/shop/web',
    ...variables,
  };
  const argv =
    shell === 'busybox'
      ? [busybox, ['sh', '-c', script]]
      : shell === 'bash'
        ? ['bash', ['--posix', '-c', script]]
        : ['dash', ['-c', script]];
  // stdin is /dev/null: on a socketpair, bash takes itself for an rsh session and reads ~/.bashrc.
  const result = spawnSync(argv[0] as string, argv[1] as string[], {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : null);
  const recorded = read(stubArgs);
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    args: recorded === null ? null : recorded.split('\0').slice(0, -1),
    dotenv: read(join(project, `${env.GANTRY_JOB}.gantry.env`)),
    dockerConfig: read(join(dockerDir, 'config.json')),
    seenConfig: read(`${stubArgs}.config`),
    caBundle: read(caBundle),
    dockerDir,
    cwdFiles: readdirSync(cwd),
    project,
  };
}

/** The labels the job gives an image by default (oci-labels true, no labels input). */
export function defaultJobLabels(image: string, version: string, sha: string, user: string[] = []): string[] {
  const title = image.slice(image.lastIndexOf('/') + 1);
  return buildLabels(
    { created: PIPELINE_CREATED_AT, revision: sha, source: PROJECT_URL, title, version },
    user,
  );
}
