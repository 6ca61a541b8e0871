import { ConflictError } from '../core/errors.ts';
import { code, hiddenMarker } from '../core/markdown.ts';
import { ROLLBACK_PREFIX } from '../core/promote/rollback.ts';
import type { RepoPath } from '../ports/forge.ts';
import { ciProposal, describeJobs } from './ci-proposal.ts';
import { type BotDeps, ignored, type Outcome } from './deps.ts';

export interface ChangeRequestEvent {
  repo: RepoPath;
  number: number;
  /** Source branch and its head commit. */
  head: string;
  headSha: string;
  /** The PR/MR comes from a fork: gantry cannot (and must not) push to its branch. */
  fromFork: boolean;
}

const MARKER = hiddenMarker('gantry:ci-suggestion');

/**
 * A PR/MR whose Dockerfiles and CI configuration disagree (it adds or removes a Dockerfile):
 * the CI change is committed to its branch when the branch is in the same repository, or
 * suggested in a comment on a fork's PR. Only repositories that build with gantry already
 * (a `.gantry.yml` or gantry's CI entries) are looked at.
 */
export async function onChangeRequest(deps: BotDeps, event: ChangeRequestEvent): Promise<Outcome> {
  if (event.head.startsWith('gantry/') || event.head.startsWith(ROLLBACK_PREFIX))
    return ignored('gantry branch');
  // One cheap read first: most PRs are in repositories gantry does not build, or change no Dockerfile.
  if (!(await usesGantry(deps, event))) {
    return ignored('the repository does not build with gantry yet (onboarding proposes that)');
  }
  const proposal = await ciProposal(deps.forge, event.repo, event.headSha, deps.build);
  if ('action' in proposal) return proposal;
  const changed = proposal.files.filter((f) => f.changed);
  if (event.fromFork) {
    const body = [
      'This change adds or removes a Dockerfile; the CI configuration should change with it so every image is built.',
      'gantry cannot push to a fork. The file as it should be:',
      '',
      ...changed.flatMap((f) => [
        `${code(f.path)}:`,
        '',
        '```yaml',
        f.content.replace(/```/g, '` ` `'),
        '```',
        '',
      ]),
      describeJobs(proposal),
      '',
      MARKER,
    ].join('\n');
    await deps.forge.upsertComment(event.repo, event.number, MARKER, body);
    return { action: 'suggested', pullRequests: [event.number] };
  }
  try {
    await deps.forge.commit(event.repo, {
      branch: event.head,
      parent: event.headSha,
      expectedHead: event.headSha,
      message:
        'Build every image with gantry\n\nRendered by gantry ci render for the Dockerfiles on this branch.\n',
      changes: changed.map((f) => ({ path: f.path, content: f.content })),
    });
  } catch (error) {
    // The author pushed meanwhile: that push brings its own event, which re-renders.
    if (error instanceof ConflictError) return ignored('the branch moved; the next push event re-renders');
    throw error;
  }
  const body = [
    `gantry updated ${changed.map((f) => code(f.path)).join(', ')} so the CI builds:`,
    '',
    describeJobs(proposal),
    '',
    MARKER,
  ].join('\n');
  await deps.forge.upsertComment(event.repo, event.number, MARKER, body);
  return { action: 'committed', pullRequests: [event.number] };
}

/** Whether the repository already builds with gantry: it has a .gantry.yml or gantry's CI. */
async function usesGantry(deps: BotDeps, event: ChangeRequestEvent): Promise<boolean> {
  const snapshot = await deps.forge.readFiles(
    event.repo,
    ['.gantry.yml', '.gitlab-ci.yml', '.github/workflows/gantry-build.yml'],
    event.headSha,
  );
  const [config, gitlab, github] = [...snapshot.files.values()];
  return config !== null || github !== null || (gitlab ?? '').includes('# gantry:begin');
}
