import type { ForgeFiles, RepoPath } from '../ports/forge.ts';

/** The repository files renderCi reads: a working tree for the CLI, a forge ref for the bot. */
export interface RepoSource {
  /** A file's text, or null when it does not exist. */
  readFile(path: string): Promise<string | null>;
  /**
   * Every file path (`/`-separated, repository-relative) that could be a build file. It may
   * return more than that (a forge's whole tree): renderCi applies the discovery rules.
   */
  listCandidateFiles(): Promise<readonly string[]>;
}

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
