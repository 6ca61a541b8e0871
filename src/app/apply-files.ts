import type { PullRequest, RepoPath } from '../ports/forge.ts';
import { commitAndPropose, retryOnConflict } from './apply-promotion.ts';
import type { BotDeps } from './deps.ts';

export interface FilesChange {
  branch: string;
  base: { branch: string; sha: string };
  files: ReadonlyArray<{ path: string; content: string }>;
  message: string;
  title: string;
  body: string;
}

/**
 * Proposes files as a PR: one commit on `branch` rebuilt on `base` (compare-and-swap), one PR
 * created or updated in place. When the open PR's branch already holds these exact files,
 * nothing is written, so repeated deliveries are free of side effects.
 */
export async function applyFiles(
  deps: Pick<BotDeps, 'forge' | 'lock'>,
  repo: RepoPath,
  change: FilesChange,
): Promise<{ action: 'created' | 'updated' | 'unchanged'; pullRequest: PullRequest }> {
  const { forge } = deps;
  return deps.lock.run(`${repo}#${change.branch}`, () =>
    retryOnConflict(async () => {
      const existing = await forge.findPullRequest(repo, change.branch);
      const head = await forge.branchHead(repo, change.branch);
      if (existing && head) {
        const current = await forge.readFiles(
          repo,
          change.files.map((f) => f.path),
          head,
        );
        const same = change.files.every((f) => current.files.get(f.path) === f.content);
        if (same && existing.body === change.body)
          return { action: 'unchanged' as const, pullRequest: existing };
      }
      return commitAndPropose(forge, repo, existing, head, {
        branch: change.branch,
        base: change.base,
        message: change.message,
        changes: change.files.map((f) => ({ path: f.path, content: f.content })),
        title: change.title,
        body: change.body,
      });
    }),
  );
}
