import { ConflictError } from '../core/errors.ts';
import { commitMessage } from '../core/promote/commit-message.ts';
import type { AppPromotion } from '../core/promote/plan.ts';
import { parsePromotionBody, promotionMarker } from '../core/promote/pr-body.ts';
import type { FileChange, Forge, PullRequest, RepoPath } from '../ports/forge.ts';

export type PromotionOutcome = {
  app: string;
  action: 'created' | 'updated' | 'unchanged';
  pullRequest: PullRequest;
};

/**
 * Puts one app's planned promotion on the forge: one commit on its branch (rebuilt on `base`,
 * compare-and-swap on the branch head) and one PR, created or updated in place. A PR whose
 * metadata already says the same is left alone, so replayed deliveries change nothing.
 * Throws ConflictError when the branch or PR moved meanwhile: the caller re-plans and retries.
 */
export async function applyPromotion(
  forge: Forge,
  repo: RepoPath,
  base: { branch: string; sha: string },
  promotion: AppPromotion,
): Promise<PromotionOutcome> {
  const existing = await forge.findPullRequest(repo, promotion.branch);
  if (existing && JSON.stringify(parsePromotionBody(existing.body)) === JSON.stringify(promotion.metadata)) {
    return { app: promotion.app, action: 'unchanged', pullRequest: existing };
  }
  const action = await commitAndPropose(
    forge,
    repo,
    existing,
    await forge.branchHead(repo, promotion.branch),
    {
      branch: promotion.branch,
      base,
      message: withMarker(commitMessage(promotion), promotion.body),
      changes: promotion.updates.map((u) => ({ path: u.path, content: u.after })),
      title: promotion.title,
      body: promotion.body,
    },
  );
  return { app: promotion.app, ...action };
}

/**
 * The commit carries the PR's hidden metadata line: a branch whose PR never came (the
 * delivery gave up after pushing) can still be proposed by the orphan sweep, from git alone.
 */
function withMarker(message: string, body: string): string {
  const marker = promotionMarker(body);
  return marker ? `${message}\n${marker}\n` : message;
}

export interface Proposal {
  branch: string;
  base: { branch: string; sha: string };
  message: string;
  changes: FileChange[];
  title: string;
  body: string;
}

/**
 * The write half shared by promotions and file proposals: one commit on `branch`, rebuilt on
 * `base` with compare-and-swap on `expectedHead`, then the PR updated in place or created.
 */
export async function commitAndPropose(
  forge: Forge,
  repo: RepoPath,
  existing: PullRequest | null,
  expectedHead: string | null,
  proposal: Proposal,
): Promise<{ action: 'created' | 'updated'; pullRequest: PullRequest }> {
  await forge.commit(repo, {
    branch: proposal.branch,
    parent: proposal.base.sha,
    expectedHead,
    message: proposal.message,
    changes: proposal.changes,
  });
  if (existing) {
    const pullRequest = await forge.updatePullRequest(repo, existing.number, {
      title: proposal.title,
      body: proposal.body,
    });
    return { action: 'updated', pullRequest };
  }
  const pullRequest = await forge.createPullRequest(repo, {
    head: proposal.branch,
    base: proposal.base.branch,
    title: proposal.title,
    body: proposal.body,
  });
  return { action: 'created', pullRequest };
}

/** How many times a plan is redone after losing a compare-and-swap race. */
export const MAX_ATTEMPTS = 4;

/** Runs `attempt` again (it re-reads and re-plans) when it lost a race; bounded. */
export async function retryOnConflict<T>(attempt: () => Promise<T>, attempts = MAX_ATTEMPTS): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConflictError) || i >= attempts) throw error;
    }
  }
}
