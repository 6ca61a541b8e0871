import { ConflictError } from '../core/errors.ts';
import { commitMessage } from '../core/promote/commit-message.ts';
import type { AppPromotion } from '../core/promote/plan.ts';
import { parsePromotionBody } from '../core/promote/pr-body.ts';
import type { Forge, PullRequest, RepoPath } from '../ports/forge.ts';

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
  const expectedHead = await forge.branchHead(repo, promotion.branch);
  await forge.commit(repo, {
    branch: promotion.branch,
    parent: base.sha,
    expectedHead,
    message: commitMessage(promotion),
    changes: promotion.updates.map((u) => ({ path: u.path, content: u.after })),
  });
  if (existing) {
    const pullRequest = await forge.updatePullRequest(repo, existing.number, {
      title: promotion.title,
      body: promotion.body,
    });
    return { app: promotion.app, action: 'updated', pullRequest };
  }
  const pullRequest = await forge.createPullRequest(repo, {
    head: promotion.branch,
    base: base.branch,
    title: promotion.title,
    body: promotion.body,
  });
  return { app: promotion.app, action: 'created', pullRequest };
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
