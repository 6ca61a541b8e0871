import { stringify } from 'yaml';
import { UsageError } from '../errors.ts';
import { COMPONENT_NAME, GITLAB_COMPONENT, GITLAB_INCLUDE_FILE } from './defaults.ts';
import { DOMAIN_PATTERN } from './image-ref.ts';
import { CI_INPUTS, DEFAULT_RULES } from './inputs.ts';
import type { BuildJob } from './job-model.ts';

/** Where a project's `.gitlab-ci.yml` includes gantry's kaniko.yml from. */
export type IncludeSource =
  /** A CI/CD Catalog component: `<fqdn>/<project path>/kaniko@<version>`. */
  | { kind: 'component'; component: string; version: string }
  | { kind: 'project'; project: string; ref: string; file: string }
  | { kind: 'local'; file: string }
  | { kind: 'remote'; url: string };

const PROJECT = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/;
const REF = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;
/** The server as GitLab's docs write it for portable includes, or a host name. */
const SERVER = new RegExp(`^(\\$CI_SERVER_FQDN|${DOMAIN_PATTERN})$`);
/** A release (`1.2.3`, `1.2`, `1`), `~latest`, a commit or a branch. */
const VERSION = /^(~latest|[A-Za-z0-9_][A-Za-z0-9_./-]*)$/;
const LOCAL = /^\/?[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*(\/[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*)*$/;

/** The component gantry's releases publish, at a version: the default include. */
export function defaultComponent(version: string): IncludeSource {
  return { kind: 'component', component: GITLAB_COMPONENT, version };
}

/**
 * `component:FQDN/GROUP/PROJECT/kaniko@VERSION`, `project:GROUP/PROJECT@REF`, `local:PATH` or
 * `remote:https://…`, as the CLI takes it.
 */
export function parseIncludeSource(spec: string): IncludeSource {
  const colon = spec.indexOf(':');
  const kind = spec.slice(0, colon);
  const value = spec.slice(colon + 1);
  const expected = `expected component:FQDN/GROUP/PROJECT/${COMPONENT_NAME}@VERSION (e.g. component:${GITLAB_COMPONENT}@1.0.0), project:GROUP/PROJECT@REF, local:PATH or remote:https://HOST/…/kaniko.yml`;
  if (colon < 0) throw new UsageError(`include source "${spec}": ${expected}`);
  if (kind === 'component') {
    const at = value.lastIndexOf('@');
    const path = at < 0 ? value : value.slice(0, at);
    const version = at < 0 ? '' : value.slice(at + 1);
    const parts = path.split('/');
    const [server, ...rest] = parts;
    const name = rest.pop();
    const project = rest.join('/');
    if (name !== COMPONENT_NAME && name !== undefined && rest.length > 0 && SERVER.test(server ?? '')) {
      throw new UsageError(
        `include source "${spec}": gantry's component is "${COMPONENT_NAME}" (templates/${COMPONENT_NAME}.yml), not "${name}"`,
      );
    }
    const dotted = rest.some((segment) => segment === '.' || segment === '..');
    if (
      !SERVER.test(server ?? '') ||
      !PROJECT.test(project) ||
      dotted ||
      !VERSION.test(version) ||
      version.includes('..')
    ) {
      throw new UsageError(`include source "${spec}": ${expected}`);
    }
    return { kind, component: path, version };
  }
  if (kind === 'project') {
    const at = value.lastIndexOf('@');
    const project = at < 0 ? value : value.slice(0, at);
    const ref = at < 0 ? '' : value.slice(at + 1);
    const dotted = project.split('/').some((segment) => segment === '.' || segment === '..');
    if (!PROJECT.test(project) || dotted || !REF.test(ref) || ref.includes('..')) {
      throw new UsageError(`include source "${spec}": ${expected}`);
    }
    return { kind, project, ref, file: GITLAB_INCLUDE_FILE };
  }
  if (kind === 'local' && LOCAL.test(value) && !value.split('/').includes('..')) return { kind, file: value };
  if (kind === 'remote' && /^https:\/\/[^\s"'`$\\]+$/.test(value)) return { kind, url: value };
  throw new UsageError(`include source "${spec}": ${expected}`);
}

const defaults = new Map(CI_INPUTS.map((input) => [input.name, input.default]));

/** Inputs always written, even when equal to the default, so each entry says what it builds. */
const ALWAYS = new Set(['job', 'image']);

/** The inputs of one job, leaving out values equal to the include's defaults. */
export function jobInputs(
  job: BuildJob,
): Record<string, string | boolean | string[] | Record<string, unknown>[]> {
  const all: [string, string | boolean | string[] | Record<string, unknown>[] | undefined][] = [
    ['job', job.job],
    ['image', job.image],
    ['context', job.context],
    ['dockerfile', job.dockerfile],
    ['build-args', job.buildArgs],
    ['target', job.target],
    ['cache', job.cache],
    ['cache-repo', job.cacheRepo],
    ['executor-image', job.executorImage],
    ['stage', job.stage],
    ['push', job.push],
    ['extra-tags', job.extraTags.join(' ')],
    ['registry-user-variable', job.registryUserVariable],
    ['registry-password-variable', job.registryPasswordVariable],
    ['labels', job.labels],
    ['oci-labels', job.ociLabels],
    ['extra-args', job.extraArgs],
    ['registry-mirror', job.registryMirror],
    ['ca-cert-variable', job.caCertVariable],
    ['rules', job.changes && job.changes.length > 0 ? rulesWithChanges(job.changes) : undefined],
  ];
  const inputs: Record<string, string | boolean | string[] | Record<string, unknown>[]> = {};
  for (const [name, value] of all) {
    if (value === undefined) continue;
    if (!ALWAYS.has(name) && JSON.stringify(value) === JSON.stringify(defaults.get(name))) continue;
    inputs[name] = value;
  }
  return inputs;
}

/** The `include:` items for the jobs, as YAML sequence text at column 0 (one item per image). */
export function renderIncludeItems(jobs: readonly BuildJob[], source: IncludeSource): string {
  const where =
    source.kind === 'component'
      ? { component: `${source.component}@${source.version}` }
      : source.kind === 'project'
        ? { project: source.project, ref: source.ref, file: source.file }
        : source.kind === 'local'
          ? { local: source.file }
          : { remote: source.url };
  const items = jobs.map((job) => ({ ...where, inputs: jobInputs(job) }));
  // yaml quotes and escapes every value as needed: configuration text never becomes YAML syntax.
  return stringify(items, { lineWidth: 0 });
}

/**
 * The job's rules when an image builds only for changes under some paths (monorepos): tags
 * always build; merge requests and branches only when a file matching `changes` changed.
 * A job that does not run is absent from the pipeline, so later jobs should say
 * `needs: [{ job: ..., optional: true }]`.
 */
export function rulesWithChanges(changes: readonly string[]): Record<string, unknown>[] {
  return DEFAULT_RULES.map((rule) =>
    rule.when === 'never' || rule.if === '$CI_COMMIT_TAG' ? { ...rule } : { ...rule, changes: [...changes] },
  );
}
