import { DEFAULT_GITHUB_ACTION } from '../core/build/defaults.ts';
import {
  actionPin,
  imageWorkflowPath,
  renderWorkflows,
  WORKFLOW_HEADER,
  WORKFLOW_PATH,
} from '../core/build/github-workflow.ts';
import { declaredStages, upsertIncludeBlock } from '../core/build/gitlab-ci-edit.ts';
import { defaultComponent, type IncludeSource, renderIncludeItems } from '../core/build/gitlab-include.ts';
import type { BuildJob } from '../core/build/job-model.ts';
import type { Platform } from '../core/build/validate-job.ts';
import { ValidationError } from '../core/errors.ts';
import type { FileResult } from '../ports/repo-source.ts';
import { type PlanRequest, planBuildJobs } from './plan-build-jobs.ts';

export { forgeRepoSource, type RepoSource } from './repo-source.ts';

export interface RenderCiRequest extends PlanRequest {
  /** gantry's version: the default component is `…/kaniko@<version>`, the Action `@v<version>`. */
  version: string;
  include?: IncludeSource;
  /** `uses:` of the Action, `owner/repo@ref`. */
  action?: string;
  /** The commit of that ref: the workflow pins the Action to it, the ref as a comment. */
  actionSha?: string;
  /** Overwrite a workflow file gantry did not write. */
  force?: boolean;
}

// A file as it should be (ports/, shared with the adapters that write it).
export type { FileResult };

export interface RenderCiResult {
  platform: Platform;
  /** Where the images came from: `.gantry.yml` build.images, or discovered Dockerfiles. */
  origin: 'config' | 'discovered';
  jobs: BuildJob[];
  files: FileResult[];
  warnings: string[];
  upToDate: boolean;
}

export const GITLAB_CI_PATH = '.gitlab-ci.yml';

/**
 * `gantry ci render`: the caller CI configuration that builds every image of a repository —
 * gantry's `include:` entries in `.gitlab-ci.yml`, or `.github/workflows/gantry-build.yml`.
 * Pure apart from reading through `source`; nothing is written here. Bad input (a Dockerfile
 * named in .gantry.yml that does not exist, a value a CI input would refuse) throws a
 * ConfigError / ValidationError before any file is produced.
 */
export async function renderCi(request: RenderCiRequest): Promise<RenderCiResult> {
  const { platform, source } = request;
  const { jobs, origin } = await planBuildJobs(request);
  const warnings: string[] = [];
  const files: FileResult[] = [];
  if (platform === 'gitlab') {
    const include = request.include ?? defaultComponent(request.version);
    const existing = await source.readFile(GITLAB_CI_PATH);
    const edit = upsertIncludeBlock(existing, renderIncludeItems(jobs, include), GITLAB_CI_PATH);
    warnings.push(...edit.warnings, ...stageWarnings(edit.content, jobs));
    const file = { path: GITLAB_CI_PATH, content: edit.content, changed: edit.changed };
    files.push(file);
  } else {
    const action = request.action ?? `${DEFAULT_GITHUB_ACTION}@v${request.version}`;
    const pin = actionPin(action, request.actionSha);
    if (request.actionSha === undefined && !action.startsWith('./')) {
      warnings.push(
        `the workflow uses ${action} by its tag; pin the commit with --action-sha (git ls-remote https://github.com/${action.split('@')[0]} refs/tags/${action.split('@')[1]})`,
      );
    }
    const ours = (text: string | null) => text === null || text.startsWith(WORKFLOW_HEADER.split('\n')[0]!);
    for (const { path, content } of renderWorkflows(jobs, pin)) {
      const existing = await source.readFile(path);
      if (!ours(existing) && existing !== content && !request.force) {
        throw new ValidationError(
          `${path} exists and was not written by gantry; move it away or render with --force to replace it`,
        );
      }
      files.push({ path, content, changed: existing !== content });
    }
    // A workflow gantry wrote for an image that no longer has its own is left over: say so.
    const written = new Set(files.map((f) => f.path));
    for (const path of [WORKFLOW_PATH, ...jobs.map(imageWorkflowPath)]) {
      if (written.has(path)) continue;
      const existing = await source.readFile(path);
      if (existing !== null && ours(existing))
        warnings.push(`${path} was written by gantry and is no longer needed; delete it`);
    }
  }
  return { platform, origin, jobs, files, warnings, upToDate: files.every((f) => !f.changed) };
}

function stageWarnings(content: string, jobs: readonly BuildJob[]): string[] {
  const stages = declaredStages(content);
  if (!stages) return [];
  const missing = [...new Set(jobs.map((j) => j.stage))].filter((s) => !stages.includes(s));
  return missing.map(
    (stage) =>
      `${GITLAB_CI_PATH} declares stages: [${stages.join(', ')}] without "${stage}"; add it, or set build.stage`,
  );
}
