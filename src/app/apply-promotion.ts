import { ConflictError, UsageError } from '../core/errors.ts';
import { formatVersion } from '../core/promote/artifact-state.ts';
import { commitMessage } from '../core/promote/commit-message.ts';
import type { AppPromotion } from '../core/promote/plan.ts';
import { type PromotionMetadata, parsePromotionBody, promotionMarker } from '../core/promote/pr-body.ts';
import { compareVersions, type HistoryInput } from '../core/promote/version-order.ts';
import type { FileChange, Forge, PullRequest, RepoPath } from '../ports/forge.ts';

export interface ProposedOutcome {
  app: string;
  /** The repository the PR is in (an environment may live in its own). */
  repo?: RepoPath;
  /** `kept-newer`: the open PR already carries a newer version; it was left as it is. */
  action: 'created' | 'updated' | 'unchanged' | 'kept-newer';
  pullRequest: PullRequest;
  detail?: string;
  /** `via: auto-merge`: the forge merges once checks pass (scheduled) or merged it now. */
  autoMerge?: 'scheduled' | 'merged';
}

export interface CommittedOutcome {
  app: string;
  repo?: RepoPath;
  /** `via: commit`: straight onto the default branch, no PR. */
  action: 'committed';
  sha: string;
  detail?: string;
}

export type PromotionOutcome = ProposedOutcome | CommittedOutcome;

/** How a promotion lands (`environments[].via`). */
export type Via = 'pr' | 'auto-merge' | 'commit';

/** The PR numbers among outcomes (a direct commit has none). */
export function pullRequestsOf(outcomes: readonly PromotionOutcome[]): number[] {
  return outcomes.flatMap((o) => (o.action === 'committed' ? [] : [o.pullRequest.number]));
}

/** The PR of an outcome that must have one (a promotion into an environment that takes PRs). */
export function proposedOf(o: PromotionOutcome): ProposedOutcome {
  if (o.action === 'committed') throw new Error(`${o.app} was committed (${o.sha}), not proposed`);
  return o;
}

/** One outcome for a reply: `created https://…`, `committed 1a2b3c4d5e6f on main`. */
export function describeOutcome(o: PromotionOutcome): string {
  if (o.action === 'committed') return `committed ${o.sha.slice(0, 12)}${o.repo ? ` in ${o.repo}` : ''}`;
  const merge =
    o.autoMerge === 'merged' ? ' (merged)' : o.autoMerge === 'scheduled' ? ' (auto-merge on)' : '';
  return `${o.action} ${o.pullRequest.url}${merge}`;
}

export interface ApplyOptions {
  /** Never replace an open PR's version with an older one (or one of unknown order). */
  keepNewer?: { history?: HistoryInput };
}

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
  via: Exclude<Via, 'commit'> = 'pr',
  options: ApplyOptions = {},
): Promise<ProposedOutcome> {
  routed(promotion);
  const at = promotion.repo ? { repo: promotion.repo } : {};
  const existing = await forge.findPullRequest(repo, promotion.branch);
  const pending = existing ? parsePromotionBody(existing.body) : undefined;
  if (existing && JSON.stringify(pending) === JSON.stringify(promotion.metadata)) {
    return { app: promotion.app, ...at, action: 'unchanged', pullRequest: existing };
  }
  const newer =
    existing && pending && options.keepNewer
      ? pendingIsNewer(pending, promotion.metadata, options.keepNewer.history)
      : undefined;
  if (existing && newer) {
    const detail = `${promotion.app}: the open PR #${existing.number} already moves ${newer}; left as it is`;
    return { app: promotion.app, ...at, action: 'kept-newer', pullRequest: existing, detail };
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
  const { head, ...proposed } = action;
  if (via === 'auto-merge') {
    // Pinned to the commit just written: a push by someone else since then is never merged.
    const autoMerge = await forge.enableAutoMerge(repo, proposed.pullRequest.number, head);
    return { app: promotion.app, ...at, ...proposed, autoMerge };
  }
  return { app: promotion.app, ...at, ...proposed };
}

/**
 * A promotion the way its environment takes it (`via`): a PR (for a human, or merged by the
 * forge once checks pass), or one commit straight onto the default branch, compare-and-swap
 * on the commit the plan was read at (ConflictError when it moved: re-plan and retry).
 */
export async function landPromotion(
  forge: Forge,
  repo: RepoPath,
  base: { branch: string; sha: string },
  promotion: AppPromotion,
  via: Via,
  options: ApplyOptions = {},
): Promise<PromotionOutcome> {
  if (via !== 'commit') return applyPromotion(forge, repo, base, promotion, via, options);
  routed(promotion);
  const { sha } = await forge.commit(repo, {
    branch: base.branch,
    parent: base.sha,
    expectedHead: base.sha,
    message: commitMessage(promotion),
    changes: promotion.updates.map((u) => ({ path: u.path, content: u.after })),
  });
  return {
    app: promotion.app,
    ...(promotion.repo ? { repo: promotion.repo } : {}),
    action: 'committed',
    sha,
  };
}

/**
 * Never writes one repository's paths into another: every file of a promotion must belong to
 * the repository it goes to (a plan that did not route them, e.g. a rollback of an environment
 * with its own `repo:`, is refused).
 */
function routed(promotion: AppPromotion): void {
  const stray = promotion.updates.find((u) => u.repo !== promotion.repo);
  if (stray)
    throw new UsageError(
      `${promotion.app}: ${stray.path} is in ${stray.repo ?? 'the configuration repository'}, not ${promotion.repo ?? 'the configuration repository'}; this is not supported across repositories yet`,
    );
}

/**
 * The commit carries the PR's hidden metadata line: a branch whose PR never came (the
 * delivery gave up after pushing) can still be proposed by the orphan sweep, from git alone.
 */
function withMarker(message: string, body: string): string {
  const marker = promotionMarker(body);
  return marker ? `${message}\n${marker}\n` : message;
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
): Promise<{ action: 'created' | 'updated'; pullRequest: PullRequest; head: string }> {
  const { sha: head } = await forge.commit(repo, {
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
    return { action: 'updated', pullRequest, head };
  }
  const pullRequest = await forge.createPullRequest(repo, {
    head: proposal.branch,
    base: proposal.base.branch,
    title: proposal.title,
    body: proposal.body,
  });
  return { action: 'created', pullRequest, head };
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
