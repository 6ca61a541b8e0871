import type { ForgeFiles, RepoPath } from '../ports/forge.ts';
import type { RepoSource } from '../ports/repo-source.ts';

// The type lives in ports/ (adapters implement it); re-exported for the use cases' callers.
export type { RepoSource };

/**
 * A repository at a ref on a forge as a RepoSource: how the bot renders for an onboarding
 * pull request. One tree listing for discovery, one read per file renderCi looks at.
 */
export function forgeRepoSource(forge: ForgeFiles, repo: RepoPath, ref: string): RepoSource {
  return {
    readFile: (path) => forge.readFile(repo, path, ref),
    listCandidateFiles: async () =>
      (await forge.listTree(repo, ref)).filter((entry) => entry.type === 'file').map((entry) => entry.path),
  };
}
