import { BRANCH_PREFIX } from '../core/promote/branch-name.ts';
import { promotionMarker } from '../core/promote/pr-body.ts';
import type { Forge, RepoPath } from '../ports/forge.ts';
import type { BotDeps } from './deps.ts';

export interface SweepOutcome {
  branch: string;
  action: 'opened' | 'deleted';
  pullRequest?: number;
}

const NOTE =
  '> Opened by gantry’s sweep: this branch had been pushed but its pull request was never opened (the delivery that pushed it did not finish).';

/**
 * Finds `gantry/*` branches without an open PR/MR and puts each right: a branch whose commit
 * carries gantry's promotion metadata gets its PR (title and body from the commit), any other
 * is deleted. A branch whose PR a human closed or merged at that very commit is theirs and
 * left alone. Runs under the same locks as promotions and proposals, so a branch pushed a
 * moment ago by a delivery still running is never taken for an orphan.
 */
export async function sweepOrphans(
  deps: Pick<BotDeps, 'lock' | 'log'>,
  forge: Forge,
  repo: RepoPath,
): Promise<SweepOutcome[]> {
  if (!forge.listBranches || !forge.commitMessage || !forge.deleteBranch) return [];
  return deps.lock.run(repo, async () => {
    const base = await forge.defaultBranch(repo);
    const outcomes: SweepOutcome[] = [];
    for (const branch of await forge.listBranches!(repo, BRANCH_PREFIX)) {
      const outcome = await deps.lock.run(`${repo}#${branch.name}`, () =>
        sweepOne(forge, repo, base, branch),
      );
      if (outcome) {
        deps.log.info({ repo, ...outcome }, `sweep: ${outcome.action} ${branch.name}`);
        outcomes.push(outcome);
      }
    }
    return outcomes;
  });
}

async function sweepOne(
  forge: Forge,
  repo: RepoPath,
  base: string,
  branch: { name: string; sha: string },
): Promise<SweepOutcome | undefined> {
  if (await forge.findPullRequest(repo, branch.name)) return undefined;
  const closed = await forge.findPullRequest(repo, branch.name, 'closed');
  if (closed && closed.headSha === branch.sha) return undefined;
  // Moved since it was listed: someone is working on it.
  if ((await forge.branchHead(repo, branch.name)) !== branch.sha) return undefined;
  const message = await forge.commitMessage!(repo, branch.sha);
  if (promotionMarker(message)) {
    const [title, ...rest] = message.trim().split('\n');
    const body = `${rest.join('\n').trim()}\n\n${NOTE}\n`;
    const pullRequest = await forge.createPullRequest(repo, { head: branch.name, base, title: title!, body });
    return { branch: branch.name, action: 'opened', pullRequest: pullRequest.number };
  }
  await forge.deleteBranch!(repo, branch.name);
  return { branch: branch.name, action: 'deleted' };
}
