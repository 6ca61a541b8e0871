import { selectBuildFiles } from '../core/build/discover.ts';
import { WORKFLOW_PATH } from '../core/build/github-workflow.ts';
import { DEFAULT_CONFIG_PATH } from '../core/config/index.ts';
import { ConfigError, ValidationError } from '../core/errors.ts';
import { code } from '../core/markdown.ts';
import type { Forge, RepoPath } from '../ports/forge.ts';
import { type BuildRefs, ignored, type Outcome } from './deps.ts';
import { forgeRepoSource, GITLAB_CI_PATH, type RenderCiResult, renderCi } from './render-ci.ts';

/**
 * What `gantry ci render` would change in a repository at a ref, read through the forge, or
 * why there is nothing to propose: the CI already builds everything, or the repository's
 * configuration is invalid (that gets its own `gantry/config` status; proposals wait for a
 * valid one).
 */
export async function ciProposal(
  forge: Forge,
  repo: RepoPath,
  ref: string,
  refs: BuildRefs | undefined,
): Promise<RenderCiResult | Outcome> {
  try {
    return (
      (await proposeCi(forge, repo, ref, refs)) ?? ignored('the CI configuration already builds every image')
    );
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ValidationError)
      return ignored(`cannot render CI: ${error.message}`);
    throw error;
  }
}

/**
 * What `gantry ci render` would change in a repository at a ref, read through the forge.
 * Undefined when the repository has nothing to build or its CI already builds everything.
 */
async function proposeCi(
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
    ...(refs?.actionSha ? { actionSha: refs.actionSha } : {}),
  });
  if (result.jobs.length === 0 || result.upToDate) return undefined;
  return result;
}

/** Markdown list of the jobs a render configures, for PR bodies and comments. */
export function describeJobs(result: RenderCiResult): string {
  return result.jobs.map((job) => `- ${code(job.image)} from ${code(job.dockerfile)}`).join('\n');
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
