import { ConflictError } from '../core/errors.ts';
import { formatVersion } from '../core/promote/artifact-state.ts';
import { commitMessage } from '../core/promote/commit-message.ts';
import type { AppPromotion } from '../core/promote/plan.ts';
import { type PromotionMetadata, parsePromotionBody } from '../core/promote/pr-body.ts';
import { compareVersions, type HistoryInput } from '../core/promote/version-order.ts';
import type { FileChange, Forge, PullRequest, RepoPath } from '../ports/forge.ts';

export type PromotionOutcome = {
  app: string;
  /** `kept-newer`: the open PR already carries a newer version; it was left as it is. */
  action: 'created' | 'updated' | 'unchanged' | 'kept-newer';
  pullRequest: PullRequest;
  detail?: string;
};

export interface ApplyOptions {
  /** Never replace an open PR's version with an older one (or one of unknown order). */
  keepNewer?: { history?: HistoryInput };
}

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
  options: ApplyOptions = {},
): Promise<PromotionOutcome> {
  const existing = await forge.findPullRequest(repo, promotion.branch);
  const pending = existing ? parsePromotionBody(existing.body) : undefined;
  if (existing && JSON.stringify(pending) === JSON.stringify(promotion.metadata)) {
    return { app: promotion.app, action: 'unchanged', pullRequest: existing };
  }
  const newer =
    existing && pending && options.keepNewer
      ? pendingIsNewer(pending, promotion.metadata, options.keepNewer.history)
      : undefined;
  if (existing && newer) {
    const detail = `${promotion.app}: the open PR #${existing.number} already moves ${newer}; left as it is`;
    return { app: promotion.app, action: 'kept-newer', pullRequest: existing, detail };
  }
  const action = await commitAndPropose(
    forge,
    repo,
    existing,
    await forge.branchHead(repo, promotion.branch),
    {
      branch: promotion.branch,
      base,
      message: commitMessage(promotion),
      changes: promotion.updates.map((u) => ({ path: u.path, content: u.after })),
      title: promotion.title,
      body: promotion.body,
    },
  );
  return { app: promotion.app, ...action };
}

/**
 * Why the open PR's versions must stay ("prod/eu to 2.0, newer than 1.5"), or undefined when
 * the new plan may replace them: "latest wins" means the newest version, not the last delivery.
 */
function pendingIsNewer(
  pending: PromotionMetadata,
  next: PromotionMetadata,
  history: HistoryInput | undefined,
): string | undefined {
  for (const target of next.targets) {
    const open = pending.targets.find((t) => t.target === target.target);
    if (!open) continue;
    const order = compareVersions(target.to, open.to, history);
    const what = `${target.target} to ${formatVersion(open.to)}`;
    if (order !== undefined && order < 0) return `${what}, newer than ${formatVersion(target.to)}`;
    if (order === undefined) return `${what}, and its order with ${formatVersion(target.to)} is unknown`;
  }
  return undefined;
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
