import {
  DEFAULT_EXECUTOR_IMAGE,
  DEFAULT_REGISTRY_PASSWORD_VARIABLE,
  DEFAULT_REGISTRY_USER_VARIABLE,
  DEFAULT_STAGE,
  GITLAB_IMAGE_PREFIX,
} from './defaults.ts';
import { IMAGE_NAME_PATTERN, TAG_PATTERN } from './image-ref.ts';

/**
 * The inputs of ci-includes/kaniko.yml and the constraints on them. The template renders
 * `spec:inputs` from this list, and `gantry ci render` and the Action check values against
 * the same expressions, so a value gantry accepts is one GitLab accepts, and vice versa.
 * Expressions are RE2-compatible (GitLab) and JavaScript-compatible (gitlab-ci-local, us).
 */
export interface CiInput {
  name: string;
  type: 'string' | 'boolean' | 'array';
  default: string | boolean | string[];
  description: string;
  /** Anchored expression a string input must match. */
  regex?: string;
  /** What a value must look like, for error messages. */
  expected?: string;
}

const SEGMENT = '\\.?[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*';
/** A repository-relative path: no absolute paths, no "." or ".." segments, no spaces or shell characters. */
export const REPO_PATH_PATTERN = `${SEGMENT}(/${SEGMENT})*`;
const PATH_COMPONENT = '[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*';
const CI_IMAGE = `\\$CI_REGISTRY_IMAGE(/${PATH_COMPONENT})*`;
export const JOB_PATTERN = '[a-z0-9]([a-z0-9-]{0,98}[a-z0-9])?';
export const BUILD_ARG_PATTERN = '[A-Za-z_][A-Za-z0-9_]*=[^\\x00-\\x1f\\x7f]*';
export const VARIABLE_NAME_PATTERN = '[A-Za-z_][A-Za-z0-9_]*';
export const STAGE_PATTERN = '[A-Za-z0-9_.-]+( [A-Za-z0-9_.-]+)*';

export const CI_INPUTS: readonly CiInput[] = [
  {
    name: 'job',
    type: 'string',
    default: 'gantry-build',
    description: 'Job name; give each image its own when including this file more than once.',
    regex: `^${JOB_PATTERN}$`,
    expected: 'lowercase letters, digits and "-", at most 100',
  },
  {
    name: 'image',
    type: 'string',
    default: GITLAB_IMAGE_PREFIX,
    description: 'Image to build, without tag: $CI_REGISTRY_IMAGE[/path] or registry/path.',
    regex: `^(${CI_IMAGE}|${IMAGE_NAME_PATTERN})$`,
    expected: 'an image name without tag, such as registry.example.com/shop/web or $CI_REGISTRY_IMAGE/web',
  },
  {
    name: 'context',
    type: 'string',
    default: '.',
    description: 'Build context, relative to the repository root.',
    regex: `^(\\.|${REPO_PATH_PATTERN})$`,
    expected: 'a path relative to the repository root without ".." segments or spaces',
  },
  {
    name: 'dockerfile',
    type: 'string',
    default: 'Dockerfile',
    description: 'Dockerfile, relative to the repository root.',
    regex: `^${REPO_PATH_PATTERN}$`,
    expected: 'a path relative to the repository root without ".." segments or spaces',
  },
  {
    name: 'build-args',
    type: 'array',
    default: [],
    description: 'Build arguments, each KEY=VALUE.',
    expected: 'KEY=VALUE without control characters',
  },
  {
    name: 'target',
    type: 'string',
    default: '',
    description: 'Dockerfile stage to build; empty for the last one.',
    regex: '^([A-Za-z0-9][A-Za-z0-9_.-]*)?$',
    expected: 'a Dockerfile stage name',
  },
  {
    name: 'cache',
    type: 'boolean',
    default: true,
    description: 'Use and fill the layer cache in cache-repo.',
  },
  {
    name: 'cache-repo',
    type: 'string',
    default: '',
    description: 'Layer cache repository; empty for <image>/cache.',
    regex: `^(${CI_IMAGE}|${IMAGE_NAME_PATTERN})?$`,
    expected: 'an image name without tag',
  },
  {
    name: 'executor-image',
    type: 'string',
    default: DEFAULT_EXECUTOR_IMAGE,
    description: 'Kaniko executor debug image (with busybox), pinned by tag or digest.',
    regex: `^${IMAGE_NAME_PATTERN}(:${TAG_PATTERN})?(@sha256:[a-f0-9]{64})?$`,
    expected: 'an image reference such as ghcr.io/osscontainertools/kaniko:v1.28.5-debug',
  },
  {
    name: 'stage',
    type: 'string',
    default: DEFAULT_STAGE,
    description: 'Pipeline stage of the job.',
    regex: `^${STAGE_PATTERN}$`,
    expected: 'a stage name of letters, digits, ".", "_", "-" and single spaces',
  },
  {
    name: 'push',
    type: 'boolean',
    default: true,
    description: 'Push on tag and branch pipelines (merge requests never push).',
  },
  {
    name: 'extra-tags',
    type: 'string',
    default: '',
    description: 'Space-separated tags added to tag and default-branch builds.',
    regex: `^(${TAG_PATTERN}( ${TAG_PATTERN})*)?$`,
    expected: 'image tags separated by single spaces',
  },
  {
    name: 'registry-user-variable',
    type: 'string',
    default: DEFAULT_REGISTRY_USER_VARIABLE,
    description: 'Name of the CI/CD variable that holds the registry user.',
    regex: `^${VARIABLE_NAME_PATTERN}$`,
    expected: 'a variable name',
  },
  {
    name: 'registry-password-variable',
    type: 'string',
    default: DEFAULT_REGISTRY_PASSWORD_VARIABLE,
    description: 'Name of the CI/CD variable that holds the registry password or token.',
    regex: `^${VARIABLE_NAME_PATTERN}$`,
    expected: 'a variable name',
  },
];

const byName = new Map(CI_INPUTS.map((input) => [input.name, input]));
const compiled = new Map(
  CI_INPUTS.flatMap((input) => (input.regex ? [[input.name, new RegExp(input.regex)]] : [])),
);
const buildArg = new RegExp(`^${BUILD_ARG_PATTERN}$`);

/** Why `value` is not acceptable for input `name`, or undefined when it is. */
export function ciInputProblem(name: string, value: unknown): string | undefined {
  const input = byName.get(name);
  if (!input) return `unknown input "${name}"`;
  const shown = JSON.stringify(value);
  if (input.type === 'boolean') return typeof value === 'boolean' ? undefined : `${shown} is not a boolean`;
  if (input.type === 'array') {
    if (!Array.isArray(value)) return `${shown} is not a list`;
    const bad = value.find((item) => typeof item !== 'string' || !buildArg.test(item));
    return bad === undefined ? undefined : `${JSON.stringify(bad)} is not ${input.expected}`;
  }
  if (typeof value !== 'string') return `${shown} is not a string`;
  if (compiled.get(name)?.test(value) === false) return `${shown} is not ${input.expected}`;
  return undefined;
}
