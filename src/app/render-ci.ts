import {
  DEFAULT_GITHUB_ACTION,
  DEFAULT_GITLAB_PROJECT,
  GITHUB_IMAGE_PREFIX,
  GITLAB_IMAGE_PREFIX,
  GITLAB_INCLUDE_FILE,
} from '../core/build/defaults.ts';
import { selectBuildFiles } from '../core/build/discover.ts';
import { renderWorkflow, WORKFLOW_HEADER, WORKFLOW_PATH } from '../core/build/github-workflow.ts';
import { declaredStages, upsertIncludeBlock } from '../core/build/gitlab-ci-edit.ts';
import { type IncludeSource, renderIncludeItems } from '../core/build/gitlab-include.ts';
import {
  type BuildJob,
  type BuildSettings,
  jobsFromConfig,
  jobsFromDockerfiles,
} from '../core/build/job-model.ts';
import { type JobProblem, jobProblems, type Platform } from '../core/build/validate-job.ts';
import { loadConfig, type ResolveExtends } from '../core/config/index.ts';
import { locateIssue } from '../core/config/issues.ts';
import { parseYamlTree } from '../core/config/yaml-tree.ts';
import { ConfigError, type ConfigIssue, ValidationError } from '../core/errors.ts';
import type { ForgeFiles, RepoPath } from '../ports/forge.ts';

/** The repository files renderCi reads: a working tree for the CLI, a forge ref for the bot. */
export interface RepoSource {
  /** A file's text, or null when it does not exist. */
  readFile(path: string): Promise<string | null>;
  /**
   * Every file path (`/`-separated, repository-relative) that could be a build file. It may
   * return more than that (a forge's whole tree): renderCi applies the discovery rules.
   */
  listCandidateFiles(): Promise<readonly string[]>;
}

/**
 * A repository at a ref on a forge as a RepoSource: how the bot renders for an onboarding
 * pull request. One tree listing for discovery, one read per file renderCi looks at.
 */
export function forgeRepoSource(forge: ForgeFiles, repo: RepoPath, ref: string): RepoSource {
  return {
    readFile: (path) => forge.readFile(repo, path, ref),
    listCandidateFiles: async () =>
      (await forge.listTree(repo, ref)).filter((entry) => entry.type === 'file').map((entry) => entry.path),
  };
}

export interface RenderCiRequest {
  platform: Platform;
  source: RepoSource;
  /** gantry's version: the default include ref and Action ref are `v<version>`. */
  version: string;
  configPath?: string;
  resolveExtends?: ResolveExtends;
  include?: IncludeSource;
  /** `uses:` of the Action, `owner/repo@ref`. */
  action?: string;
  /** Image name prefix for discovered Dockerfiles. */
  imagePrefix?: string;
  /** Overwrite a workflow file gantry did not write. */
  force?: boolean;
}

/** A file as it should be; the caller writes it (CLI --write) or proposes it (bot PR). */
export interface FileResult {
  path: string;
  content: string;
  changed: boolean;
}

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
  const { jobs, origin } = await planJobs(request);
  const warnings: string[] = [];
  let file: FileResult;
  if (platform === 'gitlab') {
    const include = request.include ?? {
      kind: 'project',
      project: DEFAULT_GITLAB_PROJECT,
      ref: `v${request.version}`,
      file: GITLAB_INCLUDE_FILE,
    };
    const existing = await source.readFile(GITLAB_CI_PATH);
    const edit = upsertIncludeBlock(existing, renderIncludeItems(jobs, include), GITLAB_CI_PATH);
    warnings.push(...edit.warnings, ...stageWarnings(edit.content, jobs));
    file = { path: GITLAB_CI_PATH, content: edit.content, changed: edit.changed };
  } else {
    const content = renderWorkflow(jobs, request.action ?? `${DEFAULT_GITHUB_ACTION}@v${request.version}`);
    const existing = await source.readFile(WORKFLOW_PATH);
    const ours = existing === null || existing.startsWith(WORKFLOW_HEADER.split('\n')[0]!);
    if (!ours && existing !== content && !request.force) {
      throw new ValidationError(
        `${WORKFLOW_PATH} exists and was not written by gantry; move it away or render with --force to replace it`,
      );
    }
    file = { path: WORKFLOW_PATH, content, changed: existing !== content };
  }
  return { platform, origin, jobs, files: [file], warnings, upToDate: !file.changed };
}

async function planJobs(
  request: RenderCiRequest,
): Promise<{ jobs: BuildJob[]; origin: 'config' | 'discovered' }> {
  const { source, platform } = request;
  const configPath = request.configPath ?? '.gantry.yml';
  const text = await source.readFile(configPath);
  const config =
    text === null ? undefined : await loadConfig({ file: configPath, content: text }, request.resolveExtends);
  const build: BuildSettings = config?.build ?? {};
  const locate = (path: (string | number)[], message: string): ConfigIssue => {
    const parsed = parseYamlTree(configPath, text ?? '');
    return parsed.ok
      ? locateIssue(parsed.tree, path, message)
      : { file: configPath, line: 1, column: 1, path: '', message };
  };

  if (build.images) {
    const jobs = jobsFromConfig(build);
    const issues: ConfigIssue[] = [];
    for (const [index, image] of build.images.entries()) {
      if ((await source.readFile(image.dockerfile)) === null) {
        issues.push(
          locate(
            ['build', 'images', index, 'dockerfile'],
            `Dockerfile "${image.dockerfile}" does not exist in the repository`,
          ),
        );
      }
    }
    for (const problem of jobs.flatMap((job) => jobProblems(job, platform))) {
      issues.push(locate(configField(problem), `${problem.message} (CI input "${problem.input}")`));
    }
    if (issues.length > 0) throw new ConfigError(dedupe(issues));
    return { jobs, origin: 'config' };
  }

  const paths = selectBuildFiles(await source.listCandidateFiles());
  if (paths.length === 0) {
    throw new ValidationError(
      `no Dockerfile or Containerfile found, and ${configPath} lists no build.images; add one of them`,
    );
  }
  const prefix = request.imagePrefix ?? (platform === 'gitlab' ? GITLAB_IMAGE_PREFIX : GITHUB_IMAGE_PREFIX);
  const jobs = jobsFromDockerfiles(paths, prefix, build);
  const problems = jobs.flatMap((job) => jobProblems(job, platform));
  if (problems.length > 0) {
    throw new ValidationError(
      problems
        .map(
          (p) =>
            `${p.job.source.kind === 'discovered' ? p.job.source.path : p.job.job}: ${p.input}: ${p.message}`,
        )
        .join('\n'),
    );
  }
  return { jobs, origin: 'discovered' };
}

/** The .gantry.yml path of a job's value: per image, or shared under `build:`. */
function configField(problem: JobProblem): (string | number)[] {
  const index = problem.job.source.kind === 'config' ? problem.job.source.index : 0;
  switch (problem.field) {
    case 'executorImage':
    case 'stage':
      return ['build', problem.field];
    case 'registryUserVariable':
      return ['build', 'registry', 'userVariable'];
    case 'registryPasswordVariable':
      return ['build', 'registry', 'passwordVariable'];
    case 'image':
      return ['build', 'images', index, 'name'];
    case 'job':
      return ['build', 'images', index, 'name'];
    default:
      return ['build', 'images', index, problem.field];
  }
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = JSON.stringify(issue);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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
