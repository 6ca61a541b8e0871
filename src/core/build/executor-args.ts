import { ValidationError } from '../errors.ts';
import type { TagPlan } from './tags.ts';

/** What the executor needs to know about one build, with concrete (expanded) values. */
export interface ExecutorBuild {
  image: string;
  context: string;
  dockerfile: string;
  target?: string | undefined;
  buildArgs: readonly string[];
  cache: boolean;
  /** Defaults to `<image>/cache`. */
  cacheRepo?: string | undefined;
  /** Every label, KEY=VALUE, the default OCI ones included (see labels.ts). */
  labels?: readonly string[] | undefined;
  registryMirrors?: readonly string[] | undefined;
  /** Checked against the allowlist in kaniko-flags.ts. */
  extraArgs?: readonly string[] | undefined;
}

/**
 * Kaniko's arguments for a build: the same list, in the same order, as the GitLab job script
 * builds (ci-src/partials/kaniko-build.sh.hbs; a test compares the two). Every flag is
 * written `--flag=value`, so no value can be mistaken for a flag.
 *
 * @param root where the repository is inside the executor container
 * @param digestFile where Kaniko writes the pushed image's digest
 */
export function kanikoArgs(build: ExecutorBuild, plan: TagPlan, root: string, digestFile: string): string[] {
  const args = [
    `--context=${build.context === '.' ? root : `${root}/${build.context}`}`,
    `--dockerfile=${root}/${build.dockerfile}`,
    ...plan.tags.map((tag) => `--destination=${build.image}:${tag}`),
  ];
  if (build.target) args.push(`--target=${build.target}`);
  for (const arg of build.buildArgs) args.push(`--build-arg=${arg}`);
  for (const label of build.labels ?? []) args.push(`--label=${label}`);
  if (build.cache) args.push('--cache=true', `--cache-repo=${build.cacheRepo || `${build.image}/cache`}`);
  else args.push('--cache=false');
  for (const mirror of build.registryMirrors ?? []) args.push(`--registry-mirror=${mirror}`);
  args.push(...(build.extraArgs ?? []));
  args.push(`--digest-file=${digestFile}`);
  if (!plan.push) args.push('--no-push', '--no-push-cache');
  return args;
}

/** Where `docker run` mounts things inside the executor container. */
export const CONTAINER_WORKSPACE = '/workspace';
export const CONTAINER_OUTPUT = '/gantry-out';
export const CONTAINER_DOCKER_CONFIG = '/kaniko/.docker';

export interface DockerRun {
  executorImage: string;
  /** Host directory of the checkout. */
  workspace: string;
  /** Host directory Kaniko writes the digest into. */
  output: string;
  /** Host directory holding a config.json with registry credentials, when pushing. */
  dockerConfig?: string | undefined;
  executorArgs: readonly string[];
}

/** `docker run` arguments (an argv list, never a shell line) that run Kaniko on the workspace. */
export function dockerRunArgs(run: DockerRun): string[] {
  const mount = (host: string, container: string, mode = '') => {
    if (host.includes(':') || host.includes(',') || !host.startsWith('/')) {
      throw new ValidationError(`cannot mount "${host}": expected an absolute path without ":" or ","`);
    }
    return ['--volume', `${host}:${container}${mode}`];
  };
  return [
    'run',
    '--rm',
    ...mount(run.workspace, CONTAINER_WORKSPACE),
    ...mount(run.output, CONTAINER_OUTPUT),
    ...(run.dockerConfig ? mount(run.dockerConfig, CONTAINER_DOCKER_CONFIG, ':ro') : []),
    '--entrypoint',
    '/kaniko/executor',
    run.executorImage,
    ...run.executorArgs,
  ];
}

/** Kaniko's registry key for credentials: the host, or Docker Hub's legacy index URL. */
export function registryAuthKey(registry: string): string {
  return registry === 'docker.io' ? 'https://index.docker.io/v1/' : registry;
}

/** A docker `config.json` with one registry's basic-auth credentials. */
export function dockerConfigJson(registry: string, username: string, password: string): string {
  const auth = btoa(String.fromCharCode(...new TextEncoder().encode(`${username}:${password}`)));
  return `${JSON.stringify({ auths: { [registryAuthKey(registry)]: { auth } } })}\n`;
}
