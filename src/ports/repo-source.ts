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

/** A file as it should be; the caller writes it (CLI --write) or proposes it (bot PR). */
export interface FileResult {
  path: string;
  content: string;
  changed: boolean;
}
