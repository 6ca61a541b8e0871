import { selectBuildFiles } from '../core/build/discover.ts';
import { WORKFLOW_PATH } from '../core/build/github-workflow.ts';
import { DEFAULT_CONFIG_PATH } from '../core/config/index.ts';
import type { Forge, RepoPath } from '../ports/forge.ts';
import type { BuildRefs } from './deps.ts';
import { forgeRepoSource, GITLAB_CI_PATH, type RenderCiResult, renderCi } from './render-ci.ts';

/**
 * What `gantry ci render` would change in a repository at a ref, read through the forge.
 * Undefined when the repository has nothing to build or its CI already builds everything.
 */
export async function proposeCi(
  forge: Forge,
  repo: RepoPath,
  ref: string,
  refs: BuildRefs | undefined,
): Promise<RenderCiResult | undefined> {
  const result = await renderCi({
    platform: forge.kind,
    source: forgeRepoSource(forge, repo, ref),
    version: refs?.version ?? '0.0.0',
    ...(refs?.include ? { include: refs.include } : {}),
    ...(refs?.action ? { action: refs.action } : {}),
  });
  if (result.jobs.length === 0 || result.upToDate) return undefined;
  return result;
}

/** Markdown list of the jobs a render configures, for PR bodies and comments. */
export function describeJobs(result: RenderCiResult): string {
  return result.jobs.map((job) => `- \`${job.image}\` from \`${job.dockerfile}\``).join('\n');
}

/** Whether a changed path can change what gantry's CI config must contain. */
export function touchesBuild(path: string): boolean {
  return (
    selectBuildFiles([path]).length > 0 ||
    path === DEFAULT_CONFIG_PATH ||
    path === GITLAB_CI_PATH ||
    path === WORKFLOW_PATH
  );
}
