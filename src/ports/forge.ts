/**
 * What gantry needs from a forge (GitHub, GitLab, or a local git checkout). Use cases depend
 * on this interface only; adapters translate it to each API and convert SDK errors into the
 * typed errors of `core/errors.ts` (NotFoundError, ConflictError, ForgeError).
 */

/** A repository by its full path: `owner/name` on GitHub, `group/subgroup/name` on GitLab. */
export type RepoPath = string;

export interface TreeEntry {
  path: string;
  type: 'file' | 'dir';
}

/** One file of a change set: new content, or `null` to delete the file. */
export interface FileChange {
  path: string;
  content: string | null;
}

export interface CommitRequest {
  branch: string;
  /** Parent of the new commit: its tree is this commit's tree plus `changes`. */
  parent: string;
  /**
   * Compare-and-swap: the commit `branch` must point at now, or `null` when the branch must not
   * exist yet. Anything else is refused with ConflictError (re-plan and retry). The move may
   * be a non-fast-forward: a promotion branch is rebuilt on its base each time ("latest wins").
   */
  expectedHead: string | null;
  message: string;
  changes: readonly FileChange[];
  author?: { name: string; email: string };
}

/** Many files read at one commit. */
export interface FileSnapshot {
  /** The commit the files were read at (use it as `parent` and for compare-and-swap). */
  sha: string;
  /** Path → content, `null` for a file that does not exist. */
  files: Map<string, string | null>;
}

/** One commit that changed a file, with the file as that commit left it. */
export interface FileRevision {
  sha: string;
  /** First line of the commit message (it names the PR that brought the change: `(#12)`, `!12`). */
  subject: string;
  /** The file's content at this commit, or null when the commit deleted it. */
  content: string | null;
}

/** The read and commit half: all a CLI on a local checkout needs. */
export interface ForgeFiles {
  /** File content at a ref (branch, tag or sha), or null when the file does not exist. */
  readFile(repo: RepoPath, path: string, ref: string): Promise<string | null>;
  /**
   * Many files at one commit of `ref`, in as few round trips as the forge allows (GitHub and
   * GitLab: one GraphQL query), so a promotion's cost does not grow with its file count.
   */
  readFiles(repo: RepoPath, paths: readonly string[], ref: string): Promise<FileSnapshot>;
  /** Entries under `prefix` (recursive) at a ref. */
  listTree(repo: RepoPath, ref: string, prefix?: string): Promise<TreeEntry[]>;
  /** The commit a branch points at, or null when there is no such branch. */
  branchHead(repo: RepoPath, branch: string): Promise<string | null>;
  defaultBranch(repo: RepoPath): Promise<string>;
  /** All changes as one commit, moving the branch once. Returns the new commit sha. */
  commit(repo: RepoPath, request: CommitRequest): Promise<{ sha: string }>;
  /**
   * The last `limit` commits reachable from `ref` that changed `path`, newest first, each with
   * the file's content at that commit: where rollbacks find previous versions and promotions
   * learn the order of non-semver tags. A fixed number of round trips (GitHub 1, GitLab 2).
   */
  fileHistory(repo: RepoPath, path: string, ref: string, limit: number): Promise<FileRevision[]>;
}

export interface PullRequest {
  number: number;
  url: string;
  title: string;
  body: string;
  head: string;
  base: string;
  headSha: string;
  state: 'open' | 'closed' | 'merged';
  /** The PR comes from a fork: its branch is not writable by gantry, commands are refused. */
  fromFork: boolean;
  author: string;
}

export interface PullRequestDraft {
  head: string;
  base: string;
  title: string;
  body: string;
  draft?: boolean;
  labels?: string[];
}

export type ReactionName = 'eyes' | 'rocket' | 'confused' | '+1' | '-1';

/**
 * Where a reaction goes: an issue/PR comment, or the PR/MR itself. `issue: true` says the
 * number is an issue's, not a PR/MR's: GitHub numbers both alike, GitLab has separate
 * endpoints for issue notes and MR notes. `review: true` marks a GitHub review comment (on a
 * line of the diff), which has its own reactions endpoint; GitLab diff notes are plain notes.
 */
export type ReactionTarget =
  | { kind: 'comment'; id: number; pullRequest: number; issue?: boolean; review?: boolean }
  | { kind: 'pull-request'; pullRequest: number };

/** Where a plain reply goes when it is not a PR/MR (see ReactionTarget). */
export interface CommentOptions {
  issue?: boolean;
}

export type StatusState = 'pending' | 'success' | 'failure' | 'error';

export interface CommitStatus {
  /** e.g. `gantry/canary` */
  context: string;
  state: StatusState;
  description: string;
  targetUrl?: string;
}

/**
 * A user's rights on a repository on one scale for both forges. GitHub: read, triage → read;
 * write; maintain; admin. GitLab: guest, reporter → read; developer → write; maintainer →
 * maintain; owner → admin. `raw` keeps the forge's own word for messages.
 */
export type PermissionLevel = 'none' | 'read' | 'write' | 'maintain' | 'admin';

export const PERMISSION_ORDER: readonly PermissionLevel[] = ['none', 'read', 'write', 'maintain', 'admin'];

export interface Permission {
  level: PermissionLevel;
  raw: string;
}

/** The review half: pull/merge requests and what gantry says on them. */
export interface ForgeReviews {
  /**
   * The open PR/MR whose source branch is `head` (forks excluded), or with `closed` the most
   * recent closed one — merged or not, as its `state` says (onboarding opt-out reads it).
   */
  findPullRequest(repo: RepoPath, head: string, state?: 'open' | 'closed'): Promise<PullRequest | null>;
  getPullRequest(repo: RepoPath, number: number): Promise<PullRequest>;
  createPullRequest(repo: RepoPath, draft: PullRequestDraft): Promise<PullRequest>;
  updatePullRequest(
    repo: RepoPath,
    number: number,
    change: { title?: string; body?: string },
  ): Promise<PullRequest>;
  /**
   * Creates, or edits in place, the one comment on a PR/MR that carries `marker` (a hidden
   * HTML comment), so repeated reports never pile up.
   */
  upsertComment(
    repo: RepoPath,
    pullRequest: number,
    marker: string,
    body: string,
  ): Promise<{ id: number; url: string; created: boolean }>;
  /**
   * gantry's own newest comment on a PR/MR that carries `marker`, with its body, or null.
   * Lets a use case read back state it keeps in a sticky comment (the canary watch).
   */
  findComment(
    repo: RepoPath,
    pullRequest: number,
    marker: string,
  ): Promise<{ id: number; url: string; body: string } | null>;
  /** A plain reply in the PR/MR conversation (or an issue's, with `{ issue: true }`). */
  createComment(
    repo: RepoPath,
    pullRequest: number,
    body: string,
    options?: CommentOptions,
  ): Promise<{ id: number; url: string }>;
  addReaction(repo: RepoPath, target: ReactionTarget, reaction: ReactionName): Promise<void>;
  setCommitStatus(repo: RepoPath, sha: string, status: CommitStatus): Promise<void>;
  getPermission(repo: RepoPath, user: string): Promise<Permission>;
  /** Whether `user` is a member of a team (`org/team`; GitHub only; false elsewhere). */
  isTeamMember(team: string, user: string): Promise<boolean>;
  /** A link a human can open to see what changed between two refs. */
  compareUrl(repo: RepoPath, from: string, to: string): string;
  /**
   * Has the forge merge the PR/MR once its required checks pass (GitHub auto-merge, GitLab
   * auto-merge), or merges it now when there is nothing to wait for: `scheduled` or `merged`.
   * Only while the head is still `headSha`, so nothing gantry did not write gets merged.
   */
  enableAutoMerge(repo: RepoPath, number: number, headSha: string): Promise<'scheduled' | 'merged'>;
}

/**
 * Branch housekeeping for the orphan sweep (a branch pushed whose PR never came). Optional:
 * a forge without it is not swept.
 */
export interface ForgeBranches {
  /** Branches whose name starts with `prefix`, with the commit each points at. */
  listBranches?(repo: RepoPath, prefix: string): Promise<Array<{ name: string; sha: string }>>;
  /** The full message of a commit. */
  commitMessage?(repo: RepoPath, sha: string): Promise<string>;
  deleteBranch?(repo: RepoPath, branch: string): Promise<void>;
}

export interface Forge extends ForgeFiles, ForgeReviews, ForgeBranches {
  readonly kind: 'github' | 'gitlab';
}
