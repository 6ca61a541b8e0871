import { hiddenMarker } from '../core/markdown.ts';
import { applyFiles } from './apply-files.ts';
import { ciProposal, describeJobs, touchesBuild } from './ci-proposal.ts';
import { type BotDeps, ignored, type Outcome } from './deps.ts';
import type { DefaultBranchPush } from './on-config-push.ts';

export const ONBOARDING_BRANCH = 'gantry/onboarding';
const MARKER = hiddenMarker('gantry:onboarding');

/**
 * A push to an app repository's default branch whose CI does not build every image with
 * gantry (none yet, an outdated include, a new Dockerfile): one onboarding PR/MR, updated in
 * place by later pushes, never duplicated. Closing it without merging opts the repository out.
 */
export async function onOnboarding(deps: BotDeps, event: DefaultBranchPush): Promise<Outcome> {
  if (!event.changed.some(touchesBuild)) return ignored('the push changed no Dockerfile or CI configuration');
  const declined = await deps.forge.findPullRequest(event.repo, ONBOARDING_BRANCH, 'closed');
  if (declined?.state === 'closed') return ignored(`opted out: ${declined.url} was closed without merging`);
  const proposal = await ciProposal(deps.forge, event.repo, event.sha, deps.build);
  if ('action' in proposal) return proposal;
  const title = proposal.files.some((f) => f.path === '.gitlab-ci.yml')
    ? 'Build images with gantry (GitLab CI)'
    : 'Build images with gantry (GitHub Actions)';
  const body = [
    'gantry found images this repository does not build yet, or builds with an outdated configuration.',
    'Merging this adds or updates the build:',
    '',
    describeJobs(proposal),
    ...(proposal.warnings.length ? ['', ...proposal.warnings.map((w) => `> ${w}`)] : []),
    '',
    'Tags: `v1.2.3` → `1.2.3`, `1.2`, `1`, `latest`; default branch → `sha-<short>` and the branch name; merge requests build without pushing.',
    '',
    '_Close this without merging and gantry will not propose it again._',
    '',
    MARKER,
  ].join('\n');
  const outcome = await applyFiles(deps, event.repo, {
    branch: ONBOARDING_BRANCH,
    base: { branch: event.branch, sha: event.sha },
    files: proposal.files.filter((f) => f.changed).map((f) => ({ path: f.path, content: f.content })),
    message: `${title}\n\nRendered by gantry ci render.\n`,
    title,
    body,
  });
  return { action: outcome.action, pullRequests: [outcome.pullRequest.number] };
}
