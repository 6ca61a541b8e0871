import { stringify } from 'yaml';
import { UsageError } from '../errors.ts';
import { GITLAB_INCLUDE_FILE } from './defaults.ts';
import { CI_INPUTS } from './inputs.ts';
import type { BuildJob } from './job-model.ts';

/** Where a project's `.gitlab-ci.yml` includes gantry's kaniko.yml from. */
export type IncludeSource =
  | { kind: 'project'; project: string; ref: string; file: string }
  | { kind: 'local'; file: string }
  | { kind: 'remote'; url: string };

const PROJECT = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/;
const REF = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;
const LOCAL = /^\/?[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*(\/[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*)*$/;

/** `project:GROUP/PROJECT@REF`, `local:PATH` or `remote:https://…`, as the CLI takes it. */
export function parseIncludeSource(spec: string): IncludeSource {
  const colon = spec.indexOf(':');
  const kind = spec.slice(0, colon);
  const value = spec.slice(colon + 1);
  const expected =
    'expected project:GROUP/PROJECT@REF, local:PATH or remote:https://HOST/…/kaniko.yml, e.g. project:gantry/gantry@v0.1.0';
  if (colon < 0) throw new UsageError(`include source "${spec}": ${expected}`);
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
export function jobInputs(job: BuildJob): Record<string, string | boolean | string[]> {
  const all: [string, string | boolean | string[] | undefined][] = [
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
  ];
  const inputs: Record<string, string | boolean | string[]> = {};
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
    source.kind === 'project'
      ? { project: source.project, ref: source.ref, file: source.file }
      : source.kind === 'local'
        ? { local: source.file }
        : { remote: source.url };
  const items = jobs.map((job) => ({ ...where, inputs: jobInputs(job) }));
  // yaml quotes and escapes every value as needed: configuration text never becomes YAML syntax.
  return stringify(items, { lineWidth: 0 });
}
