import { NotFoundError, ValidationError } from '../../core/errors.ts';
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
} from '../../ports/forge.ts';
import { BoundedMap } from '../shared/bounded-map.ts';
import { forgeText, readLimited } from '../shared/forge-text.ts';
import * as branches from './branches.ts';
import { createGitLabClients, type GitLabApi, type GitLabConnection, type GraphqlCall } from './client.ts';
import { branchHead, writeCommit } from './commit.ts';
import { call, callOrNull } from './errors.ts';
import { fileHistory } from './file-history.ts';
import * as mrs from './merge-requests.ts';
import * as notes from './notes.ts';
import { permissionOf } from './permission.ts';
import { isFullSha, readBlobs } from './read-files.ts';

const PROJECT = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)+$/;

/** `group/subgroup/project`; gitbeaker URL-encodes it as the project id, so no lookup is needed. */
function project(path: RepoPath): string {
  if (!PROJECT.test(path) || path.split('/').includes('..')) {
    throw new ValidationError(
      `"${path}" is not a GitLab project path; expected group/project or group/subgroup/project`,
    );
  }
  return path;
}

const STATUS_STATE = { pending: 'pending', success: 'success', failure: 'failed', error: 'failed' } as const;

const refForUrl = (ref: string) => ref.split('/').map(encodeURIComponent).join('/');

/**
 * The Forge port on GitLab (gitlab.com or self-managed, nested groups), over gitbeaker for
 * REST and GitLab's GraphQL API for batched file reads. Every call's cost is fixed: see
 * README "Forge adapters". One instance per GitLab connection; it remembers which paths exist
 * at commits it has read, so `commit` right after `readFiles` needs no extra call.
 */
export class GitLabForge implements Forge {
  readonly kind = 'gitlab' as const;
  readonly #api: GitLabApi;
  readonly #graphql: GraphqlCall;
  readonly #webUrl: string;
  readonly #existence = new BoundedMap<string, Map<string, boolean>>(64);
  #self: Promise<number> | undefined;

  constructor(connection: GitLabConnection) {
    const clients = createGitLabClients(connection);
    this.#api = clients.api;
    this.#graphql = clients.graphql;
    this.#webUrl = clients.webUrl;
  }

  async readFile(repo: RepoPath, path: string, ref: string): Promise<string | null> {
    return (await this.readFiles(repo, [path], ref)).files.get(path) ?? null;
  }

  /** Two calls: the ref to a sha (REST), then every file at that sha (one GraphQL query per 100 paths). */
  async readFiles(repo: RepoPath, paths: readonly string[], ref: string): Promise<FileSnapshot> {
    const id = project(repo);
    const sha = await this.#resolve(id, ref);
    const blobs = await readBlobs(this.#graphql, id, sha, paths, true);
    const files = new Map<string, string | null>();
    for (const path of paths) {
      const blob = blobs.get(path) ?? null;
      files.set(path, blob === null ? null : (blob.text ?? (await this.#raw(id, path, sha))));
    }
    this.#existence.set(`${repo}@${sha}`, new Map(paths.map((path) => [path, files.get(path) !== null])));
    return { sha, files };
  }

  /**
   * GitLab withholds a binary blob's text from GraphQL; the raw endpoint has every byte. Read as
   * bytes (gitbeaker would decode text/plain with replacement characters) and checked as the
   * CLI checks a file: UTF-8, 1 MiB.
   */
  async #raw(id: string, path: string, sha: string): Promise<string> {
    const what = `GitLab raw ${id}:${path}@${sha.slice(0, 12)}`;
    const stream = await call(what, () =>
      this.#api.RepositoryFiles.showRaw(id, path, sha, { asStream: true } as never),
    );
    return forgeText(path, await readLimited(stream as unknown as ReadableStream<Uint8Array>));
  }

  /** Two calls: the commits that changed the path, then the file at each (one GraphQL query per 25). */
  fileHistory(repo: RepoPath, path: string, ref: string, limit: number): Promise<FileRevision[]> {
    const id = project(repo);
    return fileHistory(this.#api, this.#graphql, id, path, ref, limit, (p, sha) => this.#raw(id, p, sha));
  }

  async listTree(repo: RepoPath, ref: string, prefix = ''): Promise<TreeEntry[]> {
    const under = prefix.replace(/\/+$/, '');
    const entries = await callOrNull(`GitLab tree ${repo}@${ref}`, () =>
      this.#api.Repositories.allRepositoryTrees(project(repo), {
        ref,
        recursive: true,
        perPage: 100,
        ...(under ? { path: under } : {}),
      }),
    );
    if (entries === null) {
      // GitLab answers 404 both for a path that is not in the tree (nothing under it) and for an unknown ref.
      if (under) return [];
      throw new NotFoundError(`GitLab tree ${repo}@${ref}: no such ref`);
    }
    return (entries as unknown as { path: string; type: string }[])
      .filter((entry) => entry.type === 'blob' || entry.type === 'tree')
      .map((entry) => ({
        path: entry.path,
        type: entry.type === 'tree' ? ('dir' as const) : ('file' as const),
      }));
  }

  branchHead(repo: RepoPath, branch: string): Promise<string | null> {
    return branchHead(this.#api, project(repo), branch);
  }

  listBranches(repo: RepoPath, prefix: string): Promise<Array<{ name: string; sha: string }>> {
    return branches.listBranches(this.#api, project(repo), prefix);
  }

  commitMessage(repo: RepoPath, sha: string): Promise<string> {
    return branches.commitMessage(this.#api, project(repo), sha);
  }

  deleteBranch(repo: RepoPath, branch: string): Promise<void> {
    return branches.deleteBranch(this.#api, project(repo), branch);
  }

  async defaultBranch(repo: RepoPath): Promise<string> {
    const found = await call(`GitLab project ${repo}`, () => this.#api.Projects.show(project(repo)));
    return (found as unknown as { default_branch: string }).default_branch;
  }

  async commit(repo: RepoPath, request: CommitRequest): Promise<{ sha: string }> {
    const id = project(repo);
    // `start_sha` must be a full sha; a parent given as a ref costs one lookup.
    const parent = isFullSha(request.parent) ? request.parent : await this.#resolve(id, request.parent);
    const paths = request.changes.map((change) => change.path);
    let exists = this.#existence.get(`${repo}@${parent}`);
    if (!exists || !paths.every((path) => exists!.has(path))) {
      const blobs = await readBlobs(this.#graphql, id, parent, paths, false);
      exists = new Map(paths.map((path) => [path, blobs.get(path) !== null]));
    }
    return { sha: await writeCommit(this.#api, id, { ...request, parent }, exists) };
  }

  async #resolve(id: string, ref: string): Promise<string> {
    const commit = await call(`GitLab commit ${id}@${ref}`, () =>
      this.#api.Commits.show(id, ref, { stats: false }),
    );
    return (commit as unknown as { id: string }).id;
  }

  findPullRequest(
    repo: RepoPath,
    head: string,
    state: 'open' | 'closed' = 'open',
  ): Promise<PullRequest | null> {
    return mrs.findMergeRequest(this.#api, project(repo), head, state);
  }

  getPullRequest(repo: RepoPath, number: number): Promise<PullRequest> {
    return mrs.getMergeRequest(this.#api, project(repo), number);
  }

  createPullRequest(repo: RepoPath, draft: PullRequestDraft): Promise<PullRequest> {
    return mrs.createMergeRequest(this.#api, project(repo), draft);
  }

  updatePullRequest(
    repo: RepoPath,
    number: number,
    change: { title?: string; body?: string },
  ): Promise<PullRequest> {
    return mrs.updateMergeRequest(this.#api, project(repo), number, change);
  }

  /** The token's own user, asked once per instance, so only gantry's notes are candidates. */
  #selfId(): Promise<number> {
    this.#self ??= call('GitLab current user', () => this.#api.Users.showCurrentUser()).then(
      (user) => (user as unknown as { id: number }).id,
    );
    this.#self.catch(() => {
      this.#self = undefined;
    });
    return this.#self;
  }

  async upsertComment(
    repo: RepoPath,
    pullRequest: number,
    marker: string,
    body: string,
  ): Promise<{ id: number; url: string; created: boolean }> {
    const id = project(repo);
    const text = body.includes(marker) ? body : `${body}\n\n${marker}`;
    const existing = await notes.findOwnNote(this.#api, id, pullRequest, marker, await this.#selfId());
    if (existing !== null) {
      await notes.editNote(this.#api, id, pullRequest, existing.id, text);
      return {
        id: existing.id,
        url: notes.noteUrl(this.#webUrl, id, pullRequest, existing.id),
        created: false,
      };
    }
    const created = await notes.createNote(this.#api, id, pullRequest, text);
    return { id: created, url: notes.noteUrl(this.#webUrl, id, pullRequest, created), created: true };
  }

  async findComment(
    repo: RepoPath,
    pullRequest: number,
    marker: string,
  ): Promise<{ id: number; url: string; body: string } | null> {
    const id = project(repo);
    const found = await notes.findOwnNote(this.#api, id, pullRequest, marker, await this.#selfId());
    return found && { ...found, url: notes.noteUrl(this.#webUrl, id, pullRequest, found.id) };
  }

  /** A note on the MR, or with `{ issue: true }` on the issue with that iid (GitLab numbers them apart). */
  async createComment(
    repo: RepoPath,
    pullRequest: number,
    body: string,
    options?: CommentOptions,
  ): Promise<{ id: number; url: string }> {
    const id = project(repo);
    if (options?.issue) {
      const created = await notes.createIssueNote(this.#api, id, pullRequest, body);
      return { id: created, url: notes.issueNoteUrl(this.#webUrl, id, pullRequest, created) };
    }
    const created = await notes.createNote(this.#api, id, pullRequest, body);
    return { id: created, url: notes.noteUrl(this.#webUrl, id, pullRequest, created) };
  }

  addReaction(repo: RepoPath, target: ReactionTarget, reaction: ReactionName): Promise<void> {
    return notes.awardEmoji(this.#api, project(repo), target, reaction);
  }

  /** A commit status named after the context; posting the state it already has is not an error. */
  async setCommitStatus(repo: RepoPath, sha: string, status: CommitStatus): Promise<void> {
    const what = `GitLab status ${status.context} on ${repo}@${sha.slice(0, 12)}`;
    try {
      await call(what, () =>
        this.#api.Commits.editStatus(project(repo), sha, STATUS_STATE[status.state], {
          name: status.context,
          description:
            status.description.length > 255 ? `${status.description.slice(0, 254)}…` : status.description,
          ...(status.targetUrl ? { targetUrl: status.targetUrl } : {}),
        }),
      );
    } catch (error) {
      if (/Cannot transition status/i.test((error as Error).message)) return;
      throw error;
    }
  }

  getPermission(repo: RepoPath, user: string): Promise<Permission> {
    return permissionOf(this.#api, project(repo), user);
  }

  /** GitLab has no teams in GitHub's sense; approvers are configured by access level instead. */
  async isTeamMember(_team: string, _user: string): Promise<boolean> {
    return false;
  }

  compareUrl(repo: RepoPath, from: string, to: string): string {
    return `${this.#webUrl}/${project(repo)}/-/compare/${refForUrl(from)}...${refForUrl(to)}`;
  }

  enableAutoMerge(repo: RepoPath, number: number, headSha: string): Promise<'scheduled' | 'merged'> {
    return mrs.autoMergeMergeRequest(this.#api, project(repo), number, headSha);
  }
}
