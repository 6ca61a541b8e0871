import { ValidationError } from '../errors.ts';
import { DEFAULT_EXECUTOR_IMAGE } from './defaults.ts';
import { parseImageName } from './image-ref.ts';
import { ciInputProblem } from './inputs.ts';

/** The gantry Action's inputs after validation. */
export interface ActionInputs {
  mode: 'build';
  image: string;
  context: string;
  dockerfile: string;
  target?: string;
  buildArgs: string[];
  extraTags: string[];
  cache: boolean;
  cacheRepo?: string;
  executorImage: string;
  push: boolean;
  registryUsername?: string;
  registryPassword?: string;
  /** The labels input, KEY=VALUE; the OCI defaults are added when `ociLabels`. */
  labels: string[];
  ociLabels: boolean;
  extraArgs: string[];
  registryMirrors: string[];
}

export const ACTION_MODES = ['build'] as const;

/** An input as the runner passes it: `INPUT_<NAME>`, spaces as "_", upper case. */
export function actionInput(env: Readonly<Record<string, string | undefined>>, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/**
 * Reads and checks the Action's inputs against the same constraints as the GitLab include's
 * `spec:inputs`. Each error names the input and what it expects.
 */
export function readActionInputs(env: Readonly<Record<string, string | undefined>>): ActionInputs {
  const get = (name: string) => actionInput(env, name);
  const problems: string[] = [];
  const check = (input: string, value: unknown) => {
    const problem = ciInputProblem(input, value);
    if (problem) problems.push(`input "${input}": ${problem}`);
  };
  const mode = get('mode') || 'build';
  if (!(ACTION_MODES as readonly string[]).includes(mode)) {
    problems.push(`input "mode": "${mode}" is not supported; expected one of: ${ACTION_MODES.join(', ')}`);
  }
  // Registries need lowercase names; `ghcr.io/${{ github.repository }}` may have capitals.
  const image = get('image').toLowerCase();
  if (image === '') problems.push('input "image" is required: the image name without tag');
  else if (!image.includes('$')) {
    try {
      parseImageName(image);
    } catch (error) {
      problems.push(`input "image": ${(error as Error).message}`);
    }
  }
  const bool = (name: string, fallback: boolean) => {
    const value = get(name) || String(fallback);
    if (value !== 'true' && value !== 'false')
      problems.push(`input "${name}": "${value}" is not true or false`);
    return value === 'true';
  };
  const context = get('context') || '.';
  const dockerfile = get('dockerfile') || 'Dockerfile';
  const target = get('target');
  const buildArgs = get('build-args')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const extraTags = get('extra-tags').split(/\s+/).filter(Boolean);
  const lines = (name: string) =>
    get(name)
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
  const labels = lines('labels');
  const extraArgs = lines('extra-args');
  const mirror = get('registry-mirror');
  const cacheRepo = get('cache-repo').toLowerCase();
  const executorImage = get('executor-image') || DEFAULT_EXECUTOR_IMAGE;
  check('context', context);
  check('dockerfile', dockerfile);
  check('target', target);
  check('build-args', buildArgs);
  check('extra-tags', extraTags.join(' '));
  if (cacheRepo) check('cache-repo', cacheRepo);
  check('executor-image', executorImage);
  check('labels', labels);
  check('extra-args', extraArgs);
  check('registry-mirror', mirror);
  // GitLab expands $VARIABLES in these inputs; a workflow passes `with:` verbatim.
  for (const [name, value] of [
    ['image', image],
    ['context', context],
    ['cache-repo', cacheRepo],
    ['executor-image', executorImage],
  ] as const) {
    if (value.includes('$')) {
      problems.push(
        `input "${name}": "${value}" holds a $VARIABLE, which GitHub does not expand in with:; use \${{ env.NAME }} or \${{ vars.NAME }}`,
      );
    }
  }
  const cache = bool('cache', true);
  const push = bool('push', true);
  const ociLabels = bool('oci-labels', true);
  if (problems.length > 0) throw new ValidationError(problems.join('\n'));
  const username = get('registry-username');
  const password = get('registry-password');
  return {
    mode: 'build',
    image,
    context,
    dockerfile,
    ...(target && { target }),
    buildArgs,
    extraTags,
    cache,
    ...(cacheRepo && { cacheRepo }),
    executorImage,
    push,
    ...(username && { registryUsername: username }),
    ...(password && { registryPassword: password }),
    labels,
    ociLabels,
    extraArgs,
    registryMirrors: mirror.split(' ').filter(Boolean),
  };
}
