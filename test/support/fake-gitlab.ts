import { GitLabForge } from '../../src/adapters/gitlab/gitlab-forge.ts';
import { FakeGit } from './fake-git.ts';
import { answerGitLabGraphql } from './fake-gitlab-graphql.ts';
import { gitlabReviewRoutes } from './fake-gitlab-reviews.ts';
import { FakeHttp, type FakeResponse, type RecordedRequest } from './fake-http.ts';
import { gitLabCommit, gitLabUser } from './gitlab-bodies.ts';

export interface FakeMergeRequest {
  iid: number;
  title: string;
  description: string;
  source_branch: string;
  target_branch: string;
  state: 'opened' | 'closed' | 'merged';
  author: string;
  fork: boolean;
  labels: string[];
  awards: string[];
  /** A pipeline of the MR's head is still running (auto-merge waits for it). */
  pipelineRunning?: boolean;
  /** Set to merge when the pipeline succeeds. */
  autoMerge?: boolean;
}

export interface FakeNote {
  id: number;
  iid: number;
  /** A note on the issue `iid` rather than on the MR. */
  onIssue?: boolean;
  body: string;
  authorId: number;
  system: boolean;
  awards: string[];
}

type Json = Record<string, unknown>;

export const gitlabNotFound = (what: string): FakeResponse => ({
  status: 404,
  body: { message: `404 ${what} Not Found` },
});
export const badRequest = (message: string): FakeResponse => ({ status: 400, body: { message } });

/**
 * An in-memory GitLab project behind a FakeHttp, at `origin + root` (a self-managed instance
 * may live under a relative URL root). Commits follow GitLab's Commits API rules (start_sha,
 * force, "A branch called … already exists", create/update/delete of files that do or do not
 * exist); response bodies follow the examples in GitLab's API documentation.
 */
export class FakeGitLab {
  static readonly origin = 'https://gitlab.test';
  readonly http = new FakeHttp([FakeGitLab.origin]);
  readonly project: string;
  readonly projectId: number;
  readonly self = { id: 77, username: 'gantry-bot' };
  /** Access tokens the instance accepts (replicas in a test may each use their own). */
  readonly tokens = new Set(['glpat-test']);
  readonly git: FakeGit;
  readonly mergeRequests: FakeMergeRequest[] = [];
  readonly notes: FakeNote[] = [];
  readonly statuses: Json[] = [];
  /** Issue iids that exist (notes can be posted on them). */
  readonly issues = new Set<number>();
  readonly users = new Map<string, number>([['gantry-bot', 77]]);
  readonly members = new Map<number, { access_level: number; state: string }>();
  /** Paths whose text GraphQL withholds (binary blobs). */
  readonly binary = new Set<string>();
  /**
   * Paths stored in another encoding than UTF-8 (path → the bytes git holds): GraphQL withholds
   * their text (`rawTextBlob` null) and the raw endpoint returns these bytes as text/plain.
   */
  readonly legacy = new Map<string, Buffer>();
  /** Runs just before a commit is written: tests move branches here to lose races. */
  beforeCommit: (() => void) | undefined;
  readonly root: string;
  #nextId = 500;

  /** `project`: another project than shop/platform/gitops (id 42), to mount beside it (`mount`). */
  constructor(files: Record<string, string>, root = '', project = 'shop/platform/gitops', projectId = 42) {
    this.root = root;
    this.project = project;
    this.projectId = projectId;
    this.git = new FakeGit(files);
    this.#routes();
  }

  get apiRoot(): string {
    return `${this.root}/api/v4`;
  }

  forge(): GitLabForge {
    return new GitLabForge({
      host: `${FakeGitLab.origin}${this.root}`,
      token: 'glpat-test',
      dispatcher: this.http.agent,
    });
  }

  /** Whether a request is about this fake's project (REST path by path or id, or GraphQL fullPath). */
  serves(request: RecordedRequest): boolean {
    const prefix = `${this.apiRoot}/projects/`;
    if (request.path.startsWith(prefix)) {
      const id = decodeURIComponent(request.path.slice(prefix.length).split('/')[0]!);
      return id === this.project || id === String(this.projectId);
    }
    return (
      request.path === `${this.root}/api/graphql` &&
      (request.body as { variables?: Record<string, unknown> } | undefined)?.variables?.project ===
        this.project
    );
  }

  /** Another project on the same GitLab: its requests are answered by `other`. */
  mount(other: FakeGitLab): void {
    this.http.mount(other.http, (request) => other.serves(request));
  }

  newId(): number {
    this.#nextId += 1;
    return this.#nextId;
  }

  webUrl(): string {
    return `${FakeGitLab.origin}${this.root}/${this.project}`;
  }

  #routes(): void {
    const http = this.http;
    const p = `${this.apiRoot}/projects/:id`;
    http.on('POST', `${this.root}/api/graphql`, (req) => answerGitLabGraphql(this, req));
    const own =
      (handler: (req: RecordedRequest, params: Record<string, string>) => FakeResponse) =>
      (req: RecordedRequest, params: Record<string, string>) =>
        params.id === this.project || params.id === String(this.projectId)
          ? handler(req, params)
          : gitlabNotFound('Project');
    http.on(
      'GET',
      p,
      own(() => ({
        body: {
          id: this.projectId,
          path_with_namespace: this.project,
          default_branch: 'main',
          web_url: this.webUrl(),
        },
      })),
    );
    http.on(
      'GET',
      `${p}/repository/commits/:sha`,
      own((_req, params) => {
        const sha = this.git.resolve(params.sha!);
        return sha ? { body: gitLabCommit(this, sha) } : gitlabNotFound('Commit');
      }),
    );
    http.on(
      'GET',
      `${p}/repository/commits`,
      own((req) => {
        const ref = this.git.resolve(req.query.ref_name ?? 'main');
        if (!ref) return gitlabNotFound('Commit');
        const perPage = Number(req.query.per_page ?? 20);
        const list = req.query.path
          ? this.git.history(ref, req.query.path, perPage).map((h) => h.commit.sha)
          : [ref];
        return {
          body: list.map((sha) => gitLabCommit(this, sha)),
          headers: { 'x-per-page': String(perPage) },
        };
      }),
    );
    http.on(
      'GET',
      `${p}/repository/branches/:branch`,
      own((_req, params) => {
        const sha = this.git.branches.get(params.branch!);
        if (!sha) return gitlabNotFound('Branch');
        return {
          body: {
            name: params.branch,
            merged: false,
            protected: false,
            default: params.branch === 'main',
            developers_can_push: false,
            developers_can_merge: false,
            can_push: true,
            web_url: `${this.webUrl()}/-/tree/${params.branch}`,
            commit: gitLabCommit(this, sha),
          },
        };
      }),
    );
    // branches.md: `search` matches names containing it; `^term` / `term$` anchor it.
    http.on(
      'GET',
      `${p}/repository/branches`,
      own((req) => {
        const search = req.query.search ?? '';
        const matches = (name: string) =>
          search.startsWith('^')
            ? name.startsWith(search.slice(1))
            : search.endsWith('$')
              ? name.endsWith(search.slice(0, -1))
              : name.includes(search);
        const perPage = Number(req.query.per_page ?? 20);
        const page = Number(req.query.page ?? 1);
        const all = [...this.git.branches]
          .filter(([name]) => matches(name))
          .sort(([a], [b]) => (a < b ? -1 : 1));
        return {
          body: all.slice((page - 1) * perPage, page * perPage).map(([name, sha]) => ({
            name,
            merged: false,
            protected: false,
            default: name === 'main',
            developers_can_push: false,
            developers_can_merge: false,
            can_push: true,
            web_url: `${this.webUrl()}/-/tree/${name}`,
            commit: gitLabCommit(this, sha),
          })),
          headers: { 'x-page': String(page), 'x-per-page': String(perPage), 'x-total': String(all.length) },
        };
      }),
    );
    http.on(
      'DELETE',
      `${p}/repository/branches/:branch`,
      own((_req, params) => {
        if (!this.git.branches.delete(params.branch!)) return gitlabNotFound('Branch');
        return { status: 204 };
      }),
    );
    http.on(
      'POST',
      `${p}/repository/commits`,
      own((req) => this.#commit(req)),
    );
    http.on(
      'GET',
      `${p}/repository/tree`,
      own((req) => this.#tree(req)),
    );
    http.on(
      'GET',
      `${p}/repository/files/:path/raw`,
      own((req, params) => {
        const sha = this.git.resolve(req.query.ref ?? 'main');
        const file = sha ? this.git.filesAt(sha).get(params.path!) : undefined;
        if (!file) return gitlabNotFound('File');
        return {
          body: this.legacy.get(params.path!) ?? file.content,
          headers: {
            'content-type': this.binary.has(params.path!)
              ? 'application/octet-stream'
              : 'text/plain; charset=utf-8',
          },
        };
      }),
    );
    gitlabReviewRoutes(this, p, own);
    http.on('GET', `${this.apiRoot}/user`, () => ({ body: gitLabUser(this.self.id, this.self.username) }));
    http.on('GET', `${this.apiRoot}/users`, (req) => {
      const id = this.users.get(req.query.username ?? '');
      return { body: id === undefined ? [] : [gitLabUser(id, req.query.username!)] };
    });
    http.on(
      'GET',
      `${p}/members/all/:user`,
      own((_req, params) => {
        const member = this.members.get(Number(params.user));
        if (!member) return gitlabNotFound('Member');
        const name = [...this.users].find(([, id]) => id === Number(params.user))?.[0] ?? 'someone';
        return {
          body: {
            // members.md: `state` is the user's, `membership_state` the membership's.
            ...gitLabUser(Number(params.user), name),
            access_level: member.access_level,
            created_at: '2026-01-01T00:00:00.000Z',
            expires_at: null,
            membership_state: member.state,
          },
        };
      }),
    );
  }

  #commit(req: RecordedRequest): FakeResponse {
    const body = req.body as {
      branch: string;
      commit_message: string;
      start_sha?: string;
      force?: boolean;
      author_name?: string;
      author_email?: string;
      actions: { action: string; file_path: string; content?: string }[];
    };
    const existing = this.git.branches.get(body.branch);
    if (body.start_sha && !this.git.commits.has(body.start_sha))
      return badRequest(`Cannot find start_sha '${body.start_sha}'`);
    if (existing && body.start_sha && !body.force) {
      return badRequest(
        `A branch called '${body.branch}' already exists. Switch to that branch in order to make changes`,
      );
    }
    this.beforeCommit?.();
    const base = body.start_sha ?? this.git.branches.get(body.branch);
    if (!base) return badRequest('You can only create or edit files when you are on a branch');
    const files = new Map(this.git.filesAt(base));
    for (const action of body.actions) {
      const present = files.has(action.file_path);
      if (action.action === 'create' && present) return badRequest('A file with this name already exists');
      if ((action.action === 'update' || action.action === 'delete') && !present)
        return badRequest("A file with this name doesn't exist");
      if (action.action === 'delete') files.delete(action.file_path);
      else
        files.set(action.file_path, {
          mode: files.get(action.file_path)?.mode ?? '100644',
          content: action.content ?? '',
        });
    }
    const sha = this.git.writeCommit({
      tree: this.git.writeTree(files),
      parents: [base],
      message: body.commit_message,
      ...(body.author_name ? { author: { name: body.author_name, email: body.author_email ?? '' } } : {}),
    });
    this.git.branches.set(body.branch, sha);
    return { status: 201, body: gitLabCommit(this, sha) };
  }

  #tree(req: RecordedRequest): FakeResponse {
    const sha = this.git.resolve(req.query.ref ?? 'main');
    if (!sha) return gitlabNotFound('Tree');
    const files = this.git.filesAt(sha);
    const under = req.query.path ? `${req.query.path}/` : '';
    const all = [
      ...[...FakeGit.directories(files.keys())].map((path) => ({ path, type: 'tree', mode: '040000' })),
      ...[...files].map(([path, file]) => ({ path, type: 'blob', mode: file.mode })),
    ]
      .filter((e) => e.path.startsWith(under))
      .sort((a, b) => (a.path < b.path ? -1 : 1))
      .map((e) => ({ id: 'a1e8f8d745cc87e3a9248358d9352bb7f9a0aeba', name: e.path.split('/').at(-1), ...e }));
    if (under && all.length === 0) return gitlabNotFound('Tree');
    const perPage = Number(req.query.per_page ?? 20);
    const page = Number(req.query.page ?? 1);
    const slice = all.slice((page - 1) * perPage, page * perPage);
    const next = page * perPage < all.length ? page + 1 : null;
    const query = (n: number) => new URLSearchParams({ ...req.query, page: String(n) }).toString();
    const url = `${FakeGitLab.origin}${req.path}`;
    return {
      body: slice,
      headers: {
        'x-page': String(page),
        'x-per-page': String(perPage),
        ...(next ? { 'x-next-page': String(next), link: `<${url}?${query(next)}>; rel="next"` } : {}),
      },
    };
  }
}
