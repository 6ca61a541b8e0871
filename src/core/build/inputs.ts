import {
  DEFAULT_EXECUTOR_IMAGE,
  DEFAULT_EXECUTOR_TAG,
  DEFAULT_REGISTRY_PASSWORD_VARIABLE,
  DEFAULT_REGISTRY_USER_VARIABLE,
  DEFAULT_STAGE,
  GITLAB_IMAGE_PREFIX,
} from './defaults.ts';
import { DOMAIN_PATTERN, PATH_COMPONENT_PATTERN, TAG_PATTERN } from './image-ref.ts';
import { extraArgProblem } from './kaniko-flags.ts';
import { LABEL_PATTERN } from './labels.ts';

/**
 * The inputs of ci-includes/kaniko.yml and the constraints on them. The template renders
 * `spec:inputs` from this list, and `gantry ci render` and the Action check values against
 * the same expressions, so a value gantry accepts is one GitLab accepts, and vice versa.
 * Expressions are RE2-compatible (GitLab) and JavaScript-compatible (gitlab-ci-local, us).
 */
export interface CiInput {
  name: string;
  type: 'string' | 'boolean' | 'array';
  default: string | boolean | string[] | Record<string, unknown>[];
  description: string;
  /** Anchored expression a string input must match. */
  regex?: string;
  /** What a value must look like, for error messages. */
  expected?: string;
  /** For `array` inputs: why an item is refused, or undefined. */
  itemProblem?: (item: unknown) => string | undefined;
  /** A YAML comment written after the default in `spec:inputs`. */
  comment?: string;
}

const SEGMENT = '\\.?[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*';
/** A repository-relative path: no absolute paths, no "." or ".." segments, no spaces or shell characters. */
export const REPO_PATH_PATTERN = `${SEGMENT}(/${SEGMENT})*`;
/**
 * A CI/CD variable reference, `$NAME` or `${NAME}`. GitLab expands it in the job's
 * `variables:` and `image:` before the job starts, so the script only ever sees (and checks
 * again) the value; the reference itself is never script text.
 */
export const VARIABLE_REF_PATTERN = '\\$([A-Za-z_][A-Za-z0-9_]*|\\{[A-Za-z_][A-Za-z0-9_]*\\})';
const VAR = VARIABLE_REF_PATTERN;
/** An image name whose parts may be variable references: `$HARBOR/shop/api`, `$CI_REGISTRY_IMAGE/web`. */
export const CI_IMAGE_NAME_PATTERN = `((${VAR}|${DOMAIN_PATTERN})/)?(${VAR}|${PATH_COMPONENT_PATTERN})(/(${VAR}|${PATH_COMPONENT_PATTERN}))*`;
const CI_PATH = `(${SEGMENT}|${VAR})(/(${SEGMENT}|${VAR}))*`;
/** A registry mirror as Kaniko's --registry-mirror takes it: host[:port][/path]. */
export const MIRROR_PATTERN = `${DOMAIN_PATTERN}(/${PATH_COMPONENT_PATTERN})*`;
export const JOB_PATTERN = '[a-z0-9]([a-z0-9-]{0,98}[a-z0-9])?';
export const BUILD_ARG_PATTERN = '[A-Za-z_][A-Za-z0-9_]*=[^\\x00-\\x1f\\x7f]*';
export const VARIABLE_NAME_PATTERN = '[A-Za-z_][A-Za-z0-9_]*';
export const STAGE_PATTERN = '[A-Za-z0-9_.-]+( [A-Za-z0-9_.-]+)*';

const matching = (pattern: string, expected: string) => {
  const re = new RegExp(`^${pattern}$`);
  return (item: unknown) =>
    typeof item === 'string' && re.test(item) ? undefined : `${JSON.stringify(item)} is not ${expected}`;
};

/**
 * When the job runs, unless `gantry ci render` (from `changes` in .gantry.yml) or the user
 * passes other rules: on merge requests, tags and branches, leaving a branch with an open
 * merge request to the merge request pipeline.
 */
export const DEFAULT_RULES: readonly Record<string, string>[] = [
  { if: '$CI_PIPELINE_SOURCE == "merge_request_event"' },
  { if: '$CI_COMMIT_TAG' },
  { if: '$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS', when: 'never' },
  { if: '$CI_COMMIT_BRANCH' },
];

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
    description:
      'Image to build, without tag: registry/path; parts may be $VARIABLES ($CI_REGISTRY_IMAGE/web).',
    regex: `^${CI_IMAGE_NAME_PATTERN}$`,
    expected:
      'an image name without tag, such as registry.example.com/shop/web, $CI_REGISTRY_IMAGE/web or $HARBOR/shop/web',
  },
  {
    name: 'context',
    type: 'string',
    default: '.',
    description: 'Build context, relative to the repository root; parts may be $VARIABLES.',
    regex: `^(\\.|${CI_PATH})$`,
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
    itemProblem: matching(BUILD_ARG_PATTERN, 'KEY=VALUE without control characters'),
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
    description: 'Layer cache repository; empty for <image>/cache. Parts may be $VARIABLES.',
    regex: `^(${CI_IMAGE_NAME_PATTERN})?$`,
    expected: 'an image name without tag',
  },
  {
    name: 'executor-image',
    type: 'string',
    default: DEFAULT_EXECUTOR_IMAGE,
    description:
      'Kaniko executor debug image (with busybox), pinned by tag or digest; parts may be $VARIABLES (a Dependency Proxy prefix).',
    regex: `^${CI_IMAGE_NAME_PATTERN}(:${TAG_PATTERN})?(@sha256:[a-f0-9]{64})?$`,
    expected: 'an image reference such as ghcr.io/osscontainertools/kaniko:v1.28.5-debug',
    comment: DEFAULT_EXECUTOR_TAG,
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
  {
    name: 'labels',
    type: 'array',
    default: [],
    description: 'Image labels, each KEY=VALUE; a key of the default OCI labels replaces that label.',
    expected: 'KEY=VALUE with a key of letters, digits, ".", "_", "/" and "-", without control characters',
    itemProblem: matching(
      LABEL_PATTERN,
      'KEY=VALUE without control characters, the key of letters, digits, ".", "_", "/", "-"',
    ),
  },
  {
    name: 'oci-labels',
    type: 'boolean',
    default: true,
    description: 'Add the org.opencontainers.image.{created,revision,source,title,version} labels.',
  },
  {
    name: 'extra-args',
    type: 'array',
    default: [],
    description:
      'More Kaniko flags, each one item --flag or --flag=value, from an allowlist (docs/build.md).',
    expected: 'an allowed Kaniko flag',
    itemProblem: (item) =>
      typeof item === 'string' ? extraArgProblem(item) : `${JSON.stringify(item)} is not a string`,
  },
  {
    name: 'registry-mirror',
    type: 'string',
    default: '',
    description: 'Space-separated registry mirrors for Docker Hub pulls (host[:port][/path]).',
    regex: `^(${MIRROR_PATTERN}( ${MIRROR_PATTERN})*)?$`,
    expected: 'registry hosts such as mirror.gcr.io separated by single spaces',
  },
  {
    name: 'ca-cert-variable',
    type: 'string',
    default: 'ADDITIONAL_CA_CERT_BUNDLE',
    description:
      'Name of the CI/CD variable (text or file) with PEM certificates to trust, appended to the executor bundle.',
    regex: `^${VARIABLE_NAME_PATTERN}$`,
    expected: 'a variable name',
  },
  {
    name: 'rules',
    type: 'array',
    default: DEFAULT_RULES as Record<string, string>[],
    description:
      'The rules of the job (default: merge requests, tags, branches without an open merge request).',
    expected: 'a list of rules (mappings)',
    itemProblem: (item) =>
      item !== null && typeof item === 'object' && !Array.isArray(item)
        ? undefined
        : `${JSON.stringify(item)} is not a rule (a mapping such as {if: ..., changes: [...]})`,
  },
];

const byName = new Map(CI_INPUTS.map((input) => [input.name, input]));
const compiled = new Map(
  CI_INPUTS.flatMap((input) => (input.regex ? [[input.name, new RegExp(input.regex)]] : [])),
);

/** Why `value` is not acceptable for input `name`, or undefined when it is. */
export function ciInputProblem(name: string, value: unknown): string | undefined {
  const input = byName.get(name);
  if (!input) return `unknown input "${name}"`;
  const shown = JSON.stringify(value);
  if (input.type === 'boolean') return typeof value === 'boolean' ? undefined : `${shown} is not a boolean`;
  if (input.type === 'array') {
    if (!Array.isArray(value)) return `${shown} is not a list`;
    for (const item of value) {
      const problem = input.itemProblem?.(item);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof value !== 'string') return `${shown} is not a string`;
  if (compiled.get(name)?.test(value) === false) return `${shown} is not ${input.expected}`;
  return undefined;
}
