import { ForgeError, ValidationError } from '../../core/errors.ts';
import type {
  CommentOptions,
  CommitRequest,
  CommitStatus,
  FileRevision,
  FileSnapshot,
  Forge,
  Permission,
  PermissionLevel,
  PullRequest,
  PullRequestDraft,
  ReactionName,
  ReactionTarget,
  RepoPath,
  TreeEntry,
} from '../../ports/forge.ts';
import { BoundedMap } from '../shared/bounded-map.ts';
import { enableAutoMerge } from './auto-merge.ts';
import * as branches from './branches.ts';
import * as comments from './comments.ts';
import { branchHead, moveBranch, type ParentFacts, writeCommit } from './commit.ts';
import { call, callOrNull } from './errors.ts';
import { fileHistory } from './file-history.ts';
import { type GitHubClient, webUrlOf } from './octokit.ts';
import * as pulls from './pull-requests.ts';
import { readCommitFiles } from './read-files.ts';
import { parseRepo, refForUrl } from './repo.ts';

export interface GitHubForgeOptions {
  /** Web URL for compare links; derived from the Octokit's API URL when omitted. */
  webUrl?: string;
}

const ROLE_LEVEL: Record<string, PermissionLevel> = {
  admin: 'admin',
  maintain: 'maintain',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none',
};

/**
 * The Forge port on GitHub, over the Octokit Probot hands each installation (or one from
 * `createGitHubOctokit`). Every call's cost is fixed: see README "Forge adapters".
 * One instance per installation; it remembers facts about immutable commits it has read
 * (their tree, which paths exist) so that `commit` right after `readFiles` costs no extra call.
 */
export class GitHubForge implements Forge {
  readonly kind = 'github' as const;
  readonly #client: GitHubClient;
  readonly #webUrl: string;
  readonly #parents = new BoundedMap<string, ParentFacts>(64);

  constructor(client: GitHubClient, options: GitHubForgeOptions = {}) {
    this.#client = client;
    this.#webUrl = (options.webUrl ?? webUrlOf(client)).replace(/\/+$/, '');
  }

  async readFile(repo: RepoPath, path: string, ref: string): Promise<string | null> {
    return (await this.readFiles(repo, [path], ref)).files.get(path) ?? null;
  }

  async readFiles(repo: RepoPath, paths: readonly string[], ref: string): Promise<FileSnapshot> {
    const read = await readCommitFiles(this.#client, parseRepo(repo), ref, paths, true);
    const files = new Map<string, string | null>();
    const modes = new Map<string, string | null>();
    for (const path of paths) {
      const file = read.files.get(path) ?? null;
      files.set(path, file?.text ?? null);
      modes.set(path, file && file.text !== null ? file.mode : null);
    }
    this.#parents.set(`${repo}@${read.sha}`, {
      repositoryId: read.repositoryId,
      sha: read.sha,
      tree: read.tree,
      modes,
    });
    return { sha: read.sha, files };
  }

  async listTree(repo: RepoPath, ref: string, prefix = ''): Promise<TreeEntry[]> {
    const r = parseRepo(repo);
    const under = prefix ? prefix.replace(/\/?$/, '/') : '';
    const { data } = await call(`GitHub tree ${repo}@${ref}`, () =>
      this.#client.rest.git.getTree({ ...r, tree_sha: ref, recursive: 'true' }),
    );
    if (data.truncated) {
      throw new ForgeError(`GitHub tree ${repo}@${ref} has too many entries to list recursively`, 413);
    }
    return data.tree
      .filter((entry) => entry.path && (entry.type === 'blob' || entry.type === 'tree'))
      .filter((entry) => entry.path!.startsWith(under))
      .map((entry) => ({
        path: entry.path!,
        type: entry.type === 'tree' ? ('dir' as const) : ('file' as const),
      }));
  }

  branchHead(repo: RepoPath, branch: string): Promise<string | null> {
    return branchHead(this.#client, parseRepo(repo), branch);
  }

  listBranches(repo: RepoPath, prefix: string): Promise<Array<{ name: string; sha: string }>> {
    return branches.listBranches(this.#client, parseRepo(repo), prefix);
  }

  commitMessage(repo: RepoPath, sha: string): Promise<string> {
    return branches.commitMessage(this.#client, parseRepo(repo), sha);
  }

  deleteBranch(repo: RepoPath, branch: string): Promise<void> {
    return branches.deleteBranch(this.#client, parseRepo(repo), branch);
  }

  async defaultBranch(repo: RepoPath): Promise<string> {
    const { data } = await call(`GitHub repository ${repo}`, () =>
      this.#client.rest.repos.get(parseRepo(repo)),
    );
    return data.default_branch;
  }

  async commit(repo: RepoPath, request: CommitRequest): Promise<{ sha: string }> {
    const r = parseRepo(repo);
    const parent = await this.#parentFacts(repo, request);
    const sha = await writeCommit(this.#client, r, request, parent);
    await moveBranch(this.#client, r, parent.repositoryId, request.branch, request.expectedHead, sha);
    return { sha };
  }

  fileHistory(repo: RepoPath, path: string, ref: string, limit: number): Promise<FileRevision[]> {
    return fileHistory(this.#client, parseRepo(repo), path, ref, limit);
  }

  /** From `readFiles` at the same commit when it covered every changed path; else one query. */
  async #parentFacts(repo: RepoPath, request: CommitRequest): Promise<ParentFacts> {
    const known = this.#parents.get(`${repo}@${request.parent}`);
    if (known && request.changes.every((change) => known.modes.has(change.path))) return known;
    const paths = request.changes.map((change) => change.path);
    const read = await readCommitFiles(this.#client, parseRepo(repo), request.parent, paths, false);
    const modes = new Map(paths.map((path) => [path, read.files.get(path)?.mode ?? null] as const));
    for (const [path, mode] of modes) if (mode === '40000' || mode === '160000') modes.set(path, null);
    return { repositoryId: read.repositoryId, sha: read.sha, tree: read.tree, modes };
  }

  findPullRequest(
    repo: RepoPath,
    head: string,
    state: 'open' | 'closed' = 'open',
  ): Promise<PullRequest | null> {
    return pulls.findPullRequest(this.#client, parseRepo(repo), head, state);
  }

  getPullRequest(repo: RepoPath, number: number): Promise<PullRequest> {
    return pulls.getPullRequest(this.#client, parseRepo(repo), number);
  }

  createPullRequest(repo: RepoPath, draft: PullRequestDraft): Promise<PullRequest> {
    return pulls.createPullRequest(this.#client, parseRepo(repo), draft);
  }

  updatePullRequest(
    repo: RepoPath,
    number: number,
    change: { title?: string; body?: string },
  ): Promise<PullRequest> {
    return pulls.updatePullRequest(this.#client, parseRepo(repo), number, change);
  }

  upsertComment(repo: RepoPath, pullRequest: number, marker: string, body: string) {
    return comments.upsertComment(this.#client, parseRepo(repo), pullRequest, marker, body);
  }

  findComment(repo: RepoPath, pullRequest: number, marker: string) {
    return comments.findOwnComment(this.#client, parseRepo(repo), pullRequest, marker);
  }

  /** Issues and pull requests share numbers and the issue comments API: `options` changes nothing here. */
  createComment(repo: RepoPath, pullRequest: number, body: string, _options?: CommentOptions) {
    return comments.createComment(this.#client, parseRepo(repo), pullRequest, body);
  }

  addReaction(repo: RepoPath, target: ReactionTarget, reaction: ReactionName): Promise<void> {
    return comments.addReaction(this.#client, parseRepo(repo), target, reaction);
  }

  async setCommitStatus(repo: RepoPath, sha: string, status: CommitStatus): Promise<void> {
    await call(`GitHub status ${status.context} on ${repo}@${sha.slice(0, 12)}`, () =>
      this.#client.rest.repos.createCommitStatus({
        ...parseRepo(repo),
        sha,
        state: status.state,
        context: status.context,
        // GitHub refuses descriptions over 140 characters.
        description:
          status.description.length > 140 ? `${status.description.slice(0, 139)}…` : status.description,
        ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
      }),
    );
  }

  /** Collaborator permission; the role name distinguishes triage and maintain. 404 (no such user) → none. */
  async getPermission(repo: RepoPath, user: string): Promise<Permission> {
    const found = await callOrNull(`GitHub permission of ${user} on ${repo}`, () =>
      this.#client.rest.repos.getCollaboratorPermissionLevel({ ...parseRepo(repo), username: user }),
    );
    if (!found) return { level: 'none', raw: 'none' };
    const { permission, role_name: role } = found.data;
    const level = ROLE_LEVEL[role] ?? ROLE_LEVEL[permission] ?? 'none';
    return { level, raw: role || permission };
  }

  /** `org/team` or `@org/team`; an active membership counts, a pending invitation does not. */
  async isTeamMember(team: string, user: string): Promise<boolean> {
    const match = /^@?([A-Za-z0-9-]+)\/([A-Za-z0-9_.-]+)$/.exec(team);
    if (!match) throw new ValidationError(`"${team}" is not a GitHub team; expected org/team`);
    const found = await callOrNull(`GitHub membership of ${user} in ${team}`, () =>
      this.#client.rest.teams.getMembershipForUserInOrg({
        org: match[1]!,
        team_slug: match[2]!,
        username: user,
      }),
    );
    return found?.data.state === 'active';
  }

  compareUrl(repo: RepoPath, from: string, to: string): string {
    const { owner, repo: name } = parseRepo(repo);
    return `${this.#webUrl}/${owner}/${name}/compare/${refForUrl(from)}...${refForUrl(to)}`;
  }

  enableAutoMerge(repo: RepoPath, number: number, headSha: string): Promise<'scheduled' | 'merged'> {
    return enableAutoMerge(this.#client, parseRepo(repo), number, headSha);
  }
}
