import { createHash } from 'node:crypto';

/**
 * A tiny content-addressed git model shared by the GitHub and GitLab fakes: flat trees
 * (path → file), commits, branches. Enough to answer reads at a commit, build a tree on a
 * base tree, and move branches with or without a compare-and-swap.
 */

export interface FakeFile {
  mode: string;
  content: string;
}

export interface FakeCommit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  author?: { name: string; email: string };
}

export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

export const blobSha = (content: string) => sha1(`blob\0${content}`);

export class FakeGit {
  readonly trees = new Map<string, Map<string, FakeFile>>();
  readonly commits = new Map<string, FakeCommit>();
  readonly branches = new Map<string, string>();
  readonly blobs = new Map<string, string>();
  #clock = 0;

  constructor(files: Record<string, string>, branch = 'main') {
    const tree = this.writeTree(
      new Map(Object.entries(files).map(([p, c]) => [p, { mode: '100644', content: c }])),
    );
    this.branches.set(branch, this.writeCommit({ tree, parents: [], message: 'initial' }));
  }

  writeTree(files: Map<string, FakeFile>): string {
    const sorted = [...files].sort(([a], [b]) => (a < b ? -1 : 1));
    const sha = sha1(`tree\0${JSON.stringify(sorted)}`);
    this.trees.set(sha, new Map(sorted));
    for (const [, file] of sorted) this.blobs.set(blobSha(file.content), file.content);
    return sha;
  }

  writeCommit(commit: Omit<FakeCommit, 'sha'>): string {
    this.#clock += 1;
    const sha = sha1(`commit\0${this.#clock}\0${JSON.stringify(commit)}`);
    this.commits.set(sha, { sha, ...commit });
    return sha;
  }

  /** Branch name or commit sha → commit sha, or undefined. */
  resolve(rev: string): string | undefined {
    return this.branches.get(rev) ?? (this.commits.has(rev) ? rev : undefined);
  }

  filesAt(commit: string): Map<string, FakeFile> {
    return this.trees.get(this.commits.get(commit)!.tree)!;
  }

  /** A commit on `branch` with `files` changed (null deletes), for tests that move branches behind the adapter's back. */
  push(branch: string, files: Record<string, string | null>, message = 'someone else'): string {
    const parent = this.branches.get(branch)!;
    const next = new Map(this.filesAt(parent));
    for (const [path, content] of Object.entries(files)) {
      if (content === null) next.delete(path);
      else next.set(path, { mode: next.get(path)?.mode ?? '100644', content });
    }
    const sha = this.writeCommit({ tree: this.writeTree(next), parents: [parent], message });
    this.branches.set(branch, sha);
    return sha;
  }

  /**
   * Commits reachable from `rev` along first parents that changed `path`, newest first, with
   * the file at each (null: deleted there) — what `git log --first-parent -- path` lists.
   */
  history(rev: string, path: string, limit: number): { commit: FakeCommit; file: FakeFile | null }[] {
    const out: { commit: FakeCommit; file: FakeFile | null }[] = [];
    let sha = this.resolve(rev);
    while (sha && out.length < limit) {
      const commit = this.commits.get(sha)!;
      const file = this.filesAt(sha).get(path) ?? null;
      const parent = commit.parents[0];
      const before = parent ? (this.filesAt(parent).get(path) ?? null) : null;
      if (file?.content !== before?.content) out.push({ commit, file });
      sha = parent;
    }
    return out;
  }

  /** Directories implied by a flat tree (`a/b/c.yml` → `a`, `a/b`). */
  static directories(paths: Iterable<string>): Set<string> {
    const dirs = new Set<string>();
    for (const path of paths) {
      const parts = path.split('/');
      for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    }
    return dirs;
  }
}
