import { createGitHubOctokit, type GitHubClient } from '../../src/adapters/github/octokit.ts';
import { blobSha, type FakeFile, FakeGit } from './fake-git.ts';
import { answerGraphql } from './fake-github-graphql.ts';
import { githubReviewRoutes } from './fake-github-reviews.ts';
import { FakeHttp, type FakeResponse, type RecordedRequest } from './fake-http.ts';
import { exampleResponse } from './github-openapi.ts';

export interface FakePull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
  merged: boolean;
  author: string;
  fork: boolean;
  labels: string[];
  /** Required status checks still running (auto-merge waits for them); default none. */
  checksPending?: boolean;
  /** Auto-merge was enabled (GraphQL `enablePullRequestAutoMerge`). */
  autoMerge?: boolean;
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  author: string;
  reactions: string[];
}

type Json = Record<string, unknown>;

export const notFound: FakeResponse = {
  status: 404,
  body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
};

/**
 * An in-memory GitHub behind a FakeHttp: one repository with real git semantics (trees on
 * base trees, refs created and moved, compare-and-swap), pull requests, comments, reactions,
 * statuses, permissions and teams. Response bodies start from the examples in GitHub's REST
 * description and carry the fake's state.
 */
export class FakeGitHub {
  static readonly origin = 'https://api.github.test';
  readonly http = new FakeHttp([FakeGitHub.origin]);
  readonly owner: string;
  readonly name: string;
  readonly repositoryId: string;
  readonly viewer = 'gantry[bot]';
  readonly git: FakeGit;
  readonly pulls: FakePull[] = [];
  readonly comments: FakeComment[] = [];
  /** Review comments (on lines of a PR's diff): their ids and reactions are their own. */
  readonly reviewComments: FakeComment[] = [];
  readonly pullReactions: { issue: number; content: string }[] = [];
  readonly statuses: {
    sha: string;
    state: string;
    context: string;
    description?: string;
    target_url?: string;
  }[] = [];
  readonly permissions = new Map<string, { permission: string; role_name: string }>();
  readonly teams = new Map<string, Map<string, 'active' | 'pending'>>();
  /** Paths whose text GraphQL withholds (as for binary or very large blobs). */
  readonly withheld = new Set<string>();
  /** The repository setting "Allow auto-merge". */
  allowAutoMerge = true;
  /**
   * Paths stored in another encoding than UTF-8 (path → the bytes git holds): GraphQL withholds
   * their text, as for binary blobs, and the blob API returns these bytes.
   */
  readonly legacy = new Map<string, Buffer>();
  #nextId = 1000;

  /** `repository`: another repository than shop/gitops, to mount beside it (`mount`). */
  constructor(files: Record<string, string>, repository = 'shop/gitops') {
    [this.owner, this.name] = repository.split('/') as [string, string];
    this.repositoryId = repository === 'shop/gitops' ? 'R_kgDOGantry' : `R_kgDO${this.owner}${this.name}`;
    this.git = new FakeGit(files);
    this.#routes();
  }

  get fullName(): string {
    return `${this.owner}/${this.name}`;
  }

  /** Whether a request is about this fake's repository (REST path, or GraphQL owner/name). */
  serves(request: RecordedRequest): boolean {
    if (request.path === `/repos/${this.fullName}` || request.path.startsWith(`/repos/${this.fullName}/`))
      return true;
    const variables = (request.body as { variables?: Record<string, unknown> } | undefined)?.variables;
    return (
      request.path === '/graphql' &&
      ((variables?.owner === this.owner && variables?.name === this.name) ||
        variables?.repositoryId === this.repositoryId)
    );
  }

  /** Another repository on the same GitHub: its requests are answered by `other`. */
  mount(other: FakeGitHub): void {
    this.http.mount(other.http, (request) => other.serves(request));
  }

  /** An Octokit from gantry's factory, aimed at this fake (no throttling pauses, no retries). */
  client(): GitHubClient {
    return createGitHubOctokit({
      token: 'ghs_test',
      baseUrl: FakeGitHub.origin,
      fetch: this.http.fetch,
      throttle: false,
      retries: 0,
    });
  }

  newId(): number {
    this.#nextId += 1;
    return this.#nextId;
  }

  pullJson(pull: FakePull): Json {
    const json = exampleResponse<Json>('GET', '/repos/{owner}/{repo}/pulls/{pull_number}');
    const repo = (fork: boolean) => ({
      ...((json.base as Json).repo as Json),
      full_name: fork ? `someone/${this.name}` : this.fullName,
      name: this.name,
    });
    const head = this.git.branches.get(pull.head) ?? '0'.repeat(40);
    return {
      ...json,
      number: pull.number,
      node_id: `PR_kw${pull.number}`,
      title: pull.title,
      body: pull.body,
      state: pull.state,
      merged: pull.merged,
      merged_at: pull.merged ? '2026-01-01T00:00:00Z' : null,
      html_url: `https://github.test/${this.fullName}/pull/${pull.number}`,
      user: { ...(json.user as Json), login: pull.author },
      head: { ...(json.head as Json), ref: pull.head, sha: head, repo: repo(pull.fork) },
      base: { ...(json.base as Json), ref: pull.base, repo: repo(false) },
      labels: pull.labels.map((name) => ({ name })),
    };
  }

  /** A merge as GitHub does it: a merge commit of base and head on the base branch. */
  mergePull(pull: FakePull): string {
    const head = this.git.commits.get(this.git.branches.get(pull.head)!)!;
    const sha = this.git.writeCommit({
      tree: head.tree,
      parents: [this.git.branches.get(pull.base)!, head.sha],
      message: `Merge pull request #${pull.number} from ${this.owner}/${pull.head}`,
    });
    this.git.branches.set(pull.base, sha);
    pull.state = 'closed';
    pull.merged = true;
    return sha;
  }

  commentJson(comment: FakeComment): Json {
    const json = exampleResponse<Json>('GET', '/repos/{owner}/{repo}/issues/comments/{comment_id}');
    return {
      ...json,
      id: comment.id,
      body: comment.body,
      html_url: `https://github.test/${this.fullName}/pull/${comment.issue}#issuecomment-${comment.id}`,
      user: { ...(json.user as Json), login: comment.author },
    };
  }

  #routes(): void {
    const repo = '/repos/:owner/:repo';
    const http = this.http;
    http.on('POST', '/graphql', (req) => answerGraphql(this, req));
    http.on('GET', repo, () => ({
      body: {
        ...exampleResponse<Json>('GET', '/repos/{owner}/{repo}'),
        name: this.name,
        full_name: this.fullName,
        node_id: this.repositoryId,
        default_branch: 'main',
      },
    }));
    http.on('GET', `${repo}/git/ref/*ref`, (_req, p) => {
      const sha = this.git.branches.get(p.ref!.replace(/^heads\//, ''));
      if (!p.ref!.startsWith('heads/') || !sha) return notFound;
      return { body: this.#refJson(p.ref!, sha) };
    });
    http.on('GET', `${repo}/git/matching-refs/*ref`, (_req, p) => {
      // git/refs#list-matching-references: every ref that starts with `refs/<ref>`.
      const prefix = p.ref!.replace(/^heads\//, '');
      if (!p.ref!.startsWith('heads/')) return { body: [] };
      return {
        body: [...this.git.branches]
          .filter(([name]) => name.startsWith(prefix))
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([name, sha]) => this.#refJson(`heads/${name}`, sha)),
      };
    });
    http.on('DELETE', `${repo}/git/refs/*ref`, (_req, p) => {
      const branch = p.ref!.replace(/^heads\//, '');
      if (!p.ref!.startsWith('heads/') || !this.git.branches.delete(branch)) {
        return { status: 422, body: { message: 'Reference does not exist', status: '422' } };
      }
      return { status: 204 };
    });
    http.on('GET', `${repo}/git/commits/:sha`, (_req, p) => {
      const commit = this.git.commits.get(p.sha!);
      if (!commit) return notFound;
      const json = exampleResponse<Json>('GET', '/repos/{owner}/{repo}/git/commits/{commit_sha}');
      return {
        body: {
          ...json,
          sha: commit.sha,
          message: commit.message,
          tree: { ...(json.tree as Json), sha: commit.tree },
          parents: commit.parents.map((sha) => ({ sha })),
        },
      };
    });
    http.on('POST', `${repo}/git/refs`, (req) => {
      const { ref, sha } = req.body as { ref: string; sha: string };
      const branch = ref.replace(/^refs\/heads\//, '');
      if (this.git.branches.has(branch)) {
        return {
          status: 422,
          body: {
            message: 'Reference already exists',
            documentation_url: 'https://docs.github.com/rest/git/refs#create-a-reference',
            status: '422',
          },
        };
      }
      this.git.branches.set(branch, sha);
      return { status: 201, body: this.#refJson(`heads/${branch}`, sha) };
    });
    http.on('POST', `${repo}/git/trees`, (req) => this.#createTree(req));
    http.on('POST', `${repo}/git/commits`, (req) => {
      const body = req.body as {
        message: string;
        tree: string;
        parents: string[];
        author?: { name: string; email: string };
      };
      if (!this.git.trees.has(body.tree) || body.parents.some((p) => !this.git.commits.has(p))) {
        return { status: 422, body: { message: 'Tree SHA does not exist', status: '422' } };
      }
      const sha = this.git.writeCommit({
        tree: body.tree,
        parents: body.parents,
        message: body.message,
        ...(body.author ? { author: body.author } : {}),
      });
      const json = exampleResponse<Json>('POST', '/repos/{owner}/{repo}/git/commits', 201);
      return {
        status: 201,
        body: {
          ...json,
          sha,
          message: body.message,
          tree: { ...(json.tree as Json), sha: body.tree },
          parents: body.parents.map((p) => ({ sha: p })),
        },
      };
    });
    http.on('GET', `${repo}/git/trees/*tree`, (_req, p) => this.#getTree(p.tree!));
    http.on('GET', `${repo}/git/blobs/:sha`, (_req, p) => {
      const content = this.git.blobs.get(p.sha!);
      if (content === undefined) return notFound;
      const bytes =
        [...this.legacy].find(([path]) =>
          [...this.git.commits.keys()].some((c) => {
            const file = this.git.filesAt(c).get(path);
            return file !== undefined && blobSha(file.content) === p.sha;
          }),
        )?.[1] ?? Buffer.from(content);
      return {
        body: {
          ...exampleResponse<Json>('GET', '/repos/{owner}/{repo}/git/blobs/{file_sha}'),
          sha: p.sha,
          content: bytes.toString('base64'),
          size: bytes.length,
        },
      };
    });
    githubReviewRoutes(this, repo);
  }

  #refJson(ref: string, sha: string): Json {
    const json = exampleResponse<Json>('GET', '/repos/{owner}/{repo}/git/ref/{ref}');
    return { ...json, ref: `refs/${ref}`, object: { ...(json.object as Json), type: 'commit', sha } };
  }

  #createTree(req: RecordedRequest): FakeResponse {
    const body = req.body as {
      base_tree?: string;
      tree: { path: string; mode: string; sha?: string | null; content?: string }[];
    };
    const base = body.base_tree ? this.git.trees.get(body.base_tree) : new Map<string, FakeFile>();
    if (!base) return { status: 422, body: { message: 'Invalid tree info', status: '422' } };
    const next = new Map(base);
    for (const entry of body.tree) {
      if (entry.sha === null) {
        if (!next.delete(entry.path))
          return { status: 422, body: { message: 'GitRPC::BadObjectState', status: '422' } };
      } else {
        next.set(entry.path, { mode: entry.mode, content: entry.content ?? '' });
      }
    }
    const sha = this.git.writeTree(next);
    return {
      status: 201,
      body: {
        ...exampleResponse<Json>('POST', '/repos/{owner}/{repo}/git/trees', 201),
        sha,
        truncated: false,
      },
    };
  }

  #getTree(rev: string): FakeResponse {
    const commit = this.git.resolve(rev);
    const files = commit ? this.git.filesAt(commit) : this.git.trees.get(rev);
    if (!files) return notFound;
    const entries = [
      ...[...FakeGit.directories(files.keys())].map((path) => ({
        path,
        mode: '040000',
        type: 'tree',
        sha: 'f'.repeat(40),
      })),
      ...[...files].map(([path, file]) => ({
        path,
        mode: file.mode,
        type: 'blob',
        sha: 'b'.repeat(40),
        size: file.content.length,
      })),
    ].sort((a, b) => (a.path < b.path ? -1 : 1));
    return {
      body: {
        sha: rev,
        url: `${FakeGitHub.origin}/repos/${this.fullName}/git/trees/${rev}`,
        tree: entries,
        truncated: false,
      },
    };
  }
}
