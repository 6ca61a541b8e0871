import { createHash } from 'node:crypto';
import { ConflictError, NotFoundError } from '../../src/core/errors.ts';
import type {
  CommentOptions,
  CommitRequest,
  CommitStatus,
  FileRevision,
  FileSnapshot,
  Forge,
  Permission,
  PullRequest,
  PullRequestDraft,
  ReactionName,
  ReactionTarget,
  RepoPath,
  TreeEntry,
} from '../../src/ports/forge.ts';

interface Repo {
  commits: Map<string, { files: Map<string, string>; parent?: string; message: string }>;
  branches: Map<string, string>;
  defaultBranch: string;
}

/**
 * The Forge port in memory, with the semantics use cases rely on (compare-and-swap branch
 * moves, one open PR per head, sticky comments by marker). Records every call, so tests can
 * assert what a use case did — and that a refused command did nothing that changes state.
 */
export class MemoryForge implements Forge {
  readonly kind: 'github' | 'gitlab';
  readonly repos = new Map<string, Repo>();
  readonly pullRequests: Array<PullRequest & { repo: string }> = [];
  readonly comments: Array<{
    id: number;
    repo: string;
    pullRequest: number;
    body: string;
    author: string;
    issue?: boolean;
  }> = [];
  readonly statuses: Array<{ repo: string; sha: string } & CommitStatus> = [];
  readonly reactions: Array<{ repo: string; target: ReactionTarget; reaction: ReactionName }> = [];
  readonly permissions = new Map<string, Permission>();
  readonly teams = new Map<string, string[]>();
  readonly calls: string[] = [];
  /** Repositories whose required checks are still running: auto-merge waits there. */
  readonly pendingChecks = new Set<string>();
  /** PRs (`repo#number`) the forge will merge once the checks pass. */
  readonly autoMerge = new Set<string>();
  #ids = 100;

  constructor(kind: 'github' | 'gitlab' = 'github') {
    this.kind = kind;
  }

  /** Creates a repository whose default branch holds `files`. */
  seed(repo: RepoPath, files: Record<string, string>, branch = 'main'): string {
    const sha = this.#hash(JSON.stringify(files));
    this.repos.set(repo, {
      commits: new Map([[sha, { files: new Map(Object.entries(files)), message: 'initial' }]]),
      branches: new Map([[branch, sha]]),
      defaultBranch: branch,
    });
    return sha;
  }

  /** Files of a branch, for assertions. */
  filesAt(repo: RepoPath, branch: string): Map<string, string> {
    const r = this.#repo(repo);
    return r.commits.get(r.branches.get(branch)!)!.files;
  }

  /** A commit on `branch` by someone else (`null` deletes a file), e.g. to build up history. */
  push(repo: RepoPath, branch: string, files: Record<string, string | null>, message = 'a change'): string {
    const r = this.#repo(repo);
    const parent = r.branches.get(branch)!;
    const next = new Map(r.commits.get(parent)!.files);
    for (const [path, content] of Object.entries(files)) {
      if (content === null) next.delete(path);
      else next.set(path, content);
    }
    const sha = this.#hash(`${parent} ${message} ${this.#ids++}`);
    r.commits.set(sha, { files: next, parent, message });
    r.branches.set(branch, sha);
    return sha;
  }

  /**
   * Simulates a merge as git does it: what the PR changed since it left the base (the merge
   * base) is applied onto the base branch as it is now, so PRs merged in any order keep each
   * other's changes (the PR's side wins where both changed a file).
   */
  merge(repo: RepoPath, number: number): PullRequest & { repo: string } {
    const pr = this.pullRequests.find((p) => p.repo === repo && p.number === number)!;
    const r = this.#repo(repo);
    const head = r.commits.get(r.branches.get(pr.head)!)!;
    const target = r.commits.get(r.branches.get(pr.base)!)!;
    const ancestors = (sha: string | undefined) => {
      const out: string[] = [];
      for (let at = sha; at; at = r.commits.get(at)!.parent) out.push(at);
      return out;
    };
    const onBase = new Set(ancestors(r.branches.get(pr.base)));
    const mergeBase = ancestors(r.branches.get(pr.head)).find((c) => onBase.has(c));
    const baseFiles = mergeBase ? r.commits.get(mergeBase)!.files : new Map<string, string>();
    const files = new Map(target.files);
    for (const path of new Set([...baseFiles.keys(), ...head.files.keys()])) {
      if (baseFiles.get(path) === head.files.get(path)) continue;
      const content = head.files.get(path);
      if (content === undefined) files.delete(path);
      else files.set(path, content);
    }
    const sha = this.#hash(`merge ${number} ${pr.headSha}`);
    r.commits.set(sha, {
      files,
      parent: r.branches.get(pr.base)!,
      message: `Merge pull request #${number}`,
    });
    r.branches.set(pr.base, sha);
    pr.state = 'merged';
    return { ...pr };
  }

  /** Calls that change state on the forge. */
  writes(): string[] {
    const reads = [
      'readFile',
      'readFiles',
      'listTree',
      'branchHead',
      'defaultBranch',
      'findPullRequest',
      'getPullRequest',
      'findComment',
      'getPermission',
      'isTeamMember',
      'fileHistory',
    ];
    return this.calls.filter((c) => !reads.includes(c.split(' ')[0]!));
  }

  async readFile(repo: RepoPath, path: string, ref: string): Promise<string | null> {
    this.calls.push(`readFile ${repo} ${path}`);
    return this.#commit(repo, ref).files.get(path) ?? null;
  }

  async readFiles(repo: RepoPath, paths: readonly string[], ref: string): Promise<FileSnapshot> {
    this.calls.push(`readFiles ${repo} ${paths.length}`);
    const sha = this.#resolve(repo, ref);
    const files = this.#repo(repo).commits.get(sha)!.files;
    return { sha, files: new Map(paths.map((p) => [p, files.get(p) ?? null])) };
  }

  async listTree(repo: RepoPath, ref: string, prefix = ''): Promise<TreeEntry[]> {
    this.calls.push(`listTree ${repo}`);
    const files = [...this.#commit(repo, ref).files.keys()].filter((p) => p.startsWith(prefix)).sort();
    return files.map((path) => ({ path, type: 'file' as const }));
  }

  async branchHead(repo: RepoPath, branch: string): Promise<string | null> {
    this.calls.push(`branchHead ${repo} ${branch}`);
    return this.#repo(repo).branches.get(branch) ?? null;
  }

  async defaultBranch(repo: RepoPath): Promise<string> {
    this.calls.push(`defaultBranch ${repo}`);
    return this.#repo(repo).defaultBranch;
  }

  async commit(repo: RepoPath, request: CommitRequest): Promise<{ sha: string }> {
    this.calls.push(`commit ${repo} ${request.branch}`);
    const r = this.#repo(repo);
    const parent = r.commits.get(this.#resolve(repo, request.parent))!;
    if ((r.branches.get(request.branch) ?? null) !== request.expectedHead) {
      throw new ConflictError(`branch ${request.branch} moved`);
    }
    const files = new Map(parent.files);
    for (const change of request.changes) {
      if (change.content === null) files.delete(change.path);
      else files.set(change.path, change.content);
    }
    const sha = this.#hash(
      `${request.parent} ${request.message} ${JSON.stringify([...files])} ${this.#ids++}`,
    );
    r.commits.set(sha, { files, parent: request.parent, message: request.message });
    r.branches.set(request.branch, sha);
    for (const pr of this.pullRequests)
      if (pr.repo === repo && pr.head === request.branch && pr.state === 'open') pr.headSha = sha;
    return { sha };
  }

  async fileHistory(repo: RepoPath, path: string, ref: string, limit: number): Promise<FileRevision[]> {
    this.calls.push(`fileHistory ${repo} ${path}`);
    const r = this.#repo(repo);
    const out: FileRevision[] = [];
    let sha: string | undefined = this.#resolve(repo, ref);
    while (sha && out.length < limit) {
      const commit: { files: Map<string, string>; parent?: string; message: string } = r.commits.get(sha)!;
      const content = commit.files.get(path) ?? null;
      const before = commit.parent ? (r.commits.get(commit.parent)!.files.get(path) ?? null) : null;
      if (content !== before) out.push({ sha, subject: commit.message.split('\n')[0]!, content });
      sha = commit.parent;
    }
    return out;
  }

  async findPullRequest(
    repo: RepoPath,
    head: string,
    state: 'open' | 'closed' = 'open',
  ): Promise<PullRequest | null> {
    this.calls.push(`findPullRequest ${repo} ${head}`);
    const matching = this.pullRequests.filter(
      (p) =>
        p.repo === repo && p.head === head && (state === 'open' ? p.state === 'open' : p.state !== 'open'),
    );
    const pr = state === 'open' ? matching[0] : matching.at(-1);
    return pr ? { ...pr } : null;
  }

  async getPullRequest(repo: RepoPath, number: number): Promise<PullRequest> {
    this.calls.push(`getPullRequest ${repo} ${number}`);
    const pr = this.pullRequests.find((p) => p.repo === repo && p.number === number);
    if (!pr) throw new NotFoundError(`no PR ${number}`);
    return { ...pr };
  }

  async createPullRequest(repo: RepoPath, draft: PullRequestDraft): Promise<PullRequest> {
    this.calls.push(`createPullRequest ${repo} ${draft.head}`);
    if (this.pullRequests.some((p) => p.repo === repo && p.head === draft.head && p.state === 'open')) {
      throw new ConflictError(`a pull request for ${draft.head} already exists`);
    }
    const number = this.pullRequests.length + 1;
    const pr = {
      repo,
      number,
      url: `https://forge.example/${repo}/pull/${number}`,
      title: draft.title,
      body: draft.body,
      head: draft.head,
      base: draft.base,
      headSha: this.#repo(repo).branches.get(draft.head)!,
      state: 'open' as const,
      fromFork: false,
      author: 'gantry[bot]',
    };
    this.pullRequests.push(pr);
    return { ...pr };
  }

  /** Adds a PR opened by someone (not gantry), e.g. the PR a command is typed on. */
  addPullRequest(repo: RepoPath, fields: Partial<PullRequest> & { head: string }): PullRequest {
    const number = this.pullRequests.length + 1;
    const pr = {
      repo,
      number,
      url: `https://forge.example/${repo}/pull/${number}`,
      title: 'a change',
      body: '',
      base: 'main',
      headSha: this.#hash(fields.head),
      state: 'open' as const,
      fromFork: false,
      author: 'someone',
      ...fields,
    };
    this.pullRequests.push(pr);
    return { ...pr };
  }

  async updatePullRequest(
    repo: RepoPath,
    number: number,
    change: { title?: string; body?: string },
  ): Promise<PullRequest> {
    this.calls.push(`updatePullRequest ${repo} ${number}`);
    const pr = this.pullRequests.find((p) => p.repo === repo && p.number === number)!;
    Object.assign(pr, change);
    return { ...pr };
  }

  async upsertComment(repo: RepoPath, pullRequest: number, marker: string, body: string) {
    this.calls.push(`upsertComment ${repo} ${pullRequest}`);
    const existing = this.comments.find(
      (c) => c.repo === repo && c.pullRequest === pullRequest && c.body.includes(marker),
    );
    if (existing) {
      existing.body = body;
      return { id: existing.id, url: `#${existing.id}`, created: false };
    }
    const id = this.#ids++;
    this.comments.push({ id, repo, pullRequest, body, author: 'gantry[bot]' });
    return { id, url: `#${id}`, created: true };
  }

  async findComment(repo: RepoPath, pullRequest: number, marker: string) {
    this.calls.push(`findComment ${repo} ${pullRequest}`);
    const found = this.comments.findLast(
      (c) =>
        c.repo === repo &&
        c.pullRequest === pullRequest &&
        c.author === 'gantry[bot]' &&
        c.body.includes(marker),
    );
    return found ? { id: found.id, url: `#${found.id}`, body: found.body } : null;
  }

  async createComment(repo: RepoPath, pullRequest: number, body: string, options?: CommentOptions) {
    this.calls.push(`createComment ${repo} ${pullRequest}`);
    const id = this.#ids++;
    this.comments.push({
      id,
      repo,
      pullRequest,
      body,
      author: 'gantry[bot]',
      ...(options?.issue ? { issue: true } : {}),
    });
    return { id, url: `#${id}` };
  }

  async addReaction(repo: RepoPath, target: ReactionTarget, reaction: ReactionName): Promise<void> {
    this.calls.push(`addReaction ${repo} ${reaction}`);
    this.reactions.push({ repo, target, reaction });
  }

  async setCommitStatus(repo: RepoPath, sha: string, status: CommitStatus): Promise<void> {
    this.calls.push(`setCommitStatus ${repo} ${status.context} ${status.state}`);
    this.statuses.push({ repo, sha, ...status });
  }

  async getPermission(repo: RepoPath, user: string): Promise<Permission> {
    this.calls.push(`getPermission ${repo} ${user}`);
    return this.permissions.get(`${repo} ${user}`) ?? { level: 'none', raw: 'none' };
  }

  async isTeamMember(team: string, user: string): Promise<boolean> {
    this.calls.push(`isTeamMember ${team} ${user}`);
    return this.teams.get(team)?.includes(user) ?? false;
  }

  compareUrl(repo: RepoPath, from: string, to: string): string {
    return `https://forge.example/${repo}/compare/${from}...${to}`;
  }

  /** As both forges do: wait for required checks when some run, else merge now; pinned to `headSha`. */
  async enableAutoMerge(repo: RepoPath, number: number, headSha: string): Promise<'scheduled' | 'merged'> {
    this.calls.push(`enableAutoMerge ${repo} ${number}`);
    const pr = this.pullRequests.find((p) => p.repo === repo && p.number === number);
    if (!pr) throw new NotFoundError(`no PR ${number}`);
    if (pr.state !== 'open') throw new ConflictError(`PR ${number} is ${pr.state}`);
    if (pr.headSha !== headSha) throw new ConflictError(`PR ${number} moved: head is ${pr.headSha}`);
    if (this.pendingChecks.has(repo)) {
      this.autoMerge.add(`${repo}#${number}`);
      return 'scheduled';
    }
    this.merge(repo, number);
    return 'merged';
  }

  /** The required checks of a repository passed: scheduled auto-merges happen; returns the merged PRs. */
  checksPassed(repo: RepoPath): Array<PullRequest & { repo: string }> {
    this.pendingChecks.delete(repo);
    const merged: Array<PullRequest & { repo: string }> = [];
    for (const pr of this.pullRequests) {
      if (pr.repo === repo && pr.state === 'open' && this.autoMerge.delete(`${repo}#${pr.number}`))
        merged.push(this.merge(repo, pr.number));
    }
    return merged;
  }

  #repo(repo: RepoPath): Repo {
    const r = this.repos.get(repo);
    if (!r) throw new NotFoundError(`no repository ${repo}`);
    return r;
  }

  #resolve(repo: RepoPath, ref: string): string {
    const r = this.#repo(repo);
    const sha = r.branches.get(ref) ?? (r.commits.has(ref) ? ref : undefined);
    if (!sha) throw new NotFoundError(`no ref ${ref} in ${repo}`);
    return sha;
  }

  #commit(repo: RepoPath, ref: string) {
    return this.#repo(repo).commits.get(this.#resolve(repo, ref))!;
  }

  #hash(text: string): string {
    return createHash('sha1').update(text).digest('hex');
  }
}
