import { GITHUB_IMAGE_PREFIX, GITLAB_IMAGE_PREFIX } from '../core/build/defaults.ts';
import { selectBuildFiles } from '../core/build/discover.ts';
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
import type { RepoSource } from './repo-source.ts';

export interface PlanRequest {
  platform: Platform;
  source: RepoSource;
  configPath?: string;
  resolveExtends?: ResolveExtends;
  imagePrefix?: string;
}

/**
 * The images to build: `.gantry.yml` build.images (each Dockerfile must exist), or the
 * Dockerfiles discovered in the repository. Every value is checked against the CI input it
 * becomes; problems in .gantry.yml are reported with file, line and field.
 */
export async function planBuildJobs(
  request: PlanRequest,
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
    case 'extraArgs':
    case 'caCertVariable':
      return ['build', problem.field];
    case 'registryMirror':
      return ['build', 'registryMirrors'];
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
