import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictError, ForgeError, NotFoundError } from '../../core/errors.ts';
import type {
  CommitRequest,
  FileRevision,
  FileSnapshot,
  ForgeFiles,
  RepoPath,
  TreeEntry,
} from '../../ports/forge.ts';
import { git } from './git.ts';

const ZERO_OID = '0000000000000000000000000000000000000000';

/**
 * The file-and-commit half of the Forge port over a local git checkout, for the CLI and
 * tests. Commits are built with git plumbing in a private index, so the working tree and
 * the user's index are never touched; the branch moves with `update-ref <new> <old>`,
 * git's own compare-and-swap. The `repo` argument is ignored: one instance, one checkout.
 */
export class LocalForge implements ForgeFiles {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  async readFile(_repo: RepoPath, path: string, ref: string): Promise<string | null> {
    return this.blob(await this.resolveCommit(ref), path);
  }

  async readFiles(_repo: RepoPath, paths: readonly string[], ref: string): Promise<FileSnapshot> {
    const sha = await this.resolveCommit(ref);
    const files = new Map<string, string | null>();
    for (const path of paths) files.set(path, await this.blob(sha, path));
    return { sha, files };
  }

  /**
   * The commits that changed `path` up to `ref`, newest first, with the file's content at each
   * (null where the commit deleted it). Used to order non-semver versions and find lineage.
   */
  async fileHistory(_repo: RepoPath, path: string, ref: string, limit: number): Promise<FileRevision[]> {
    const log = await this.run([
      'log',
      `-n${limit}`,
      '--format=%H%x00%s',
      await this.resolveCommit(ref),
      '--',
      path,
    ]);
    const commits = log.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\0') as [string, string]);
    const out: FileRevision[] = [];
    for (const [sha, subject] of commits) out.push({ sha, subject, content: await this.blob(sha, path) });
    return out;
  }

  /** Whether the directory is the top of a git work tree (paths in refs are relative to it). */
  async isRepositoryRoot(): Promise<boolean> {
    const result = await git(this.dir, ['rev-parse', '--show-toplevel']);
    if (result.code !== 0) return false;
    const [top, here] = await Promise.all([realpath(result.stdout.trim()), realpath(this.dir)]);
    return top === here;
  }

  /** Paths with uncommitted changes (staged, unstaged or untracked). */
  async dirtyPaths(): Promise<string[]> {
    const status = await this.run(['status', '--porcelain=v1', '-z', '--untracked-files=normal']);
    return status.stdout
      .split('\0')
      .filter(Boolean)
      .map((entry) => entry.slice(3));
  }

  async listTree(_repo: RepoPath, ref: string, prefix = ''): Promise<TreeEntry[]> {
    const under = prefix ? prefix.replace(/\/?$/, '/') : '';
    const args = ['ls-tree', '-r', '-t', '-z', '--full-tree', ref];
    if (under) args.push('--', under);
    const result = await this.run(args);
    return result.stdout
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const [meta, path] = line.split('\t') as [string, string];
        return { path, type: meta.split(' ')[1] === 'tree' ? ('dir' as const) : ('file' as const) };
      })
      .filter((entry) => entry.path.startsWith(under)); // -t also lists the prefix's parents
  }

  async branchHead(_repo: RepoPath, branch: string): Promise<string | null> {
    const result = await git(this.dir, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`]);
    return result.code === 0 ? result.stdout.trim() : null;
  }

  async defaultBranch(_repo: RepoPath): Promise<string> {
    const result = await git(this.dir, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
    if (result.code !== 0) throw new ForgeError(`${this.dir}: HEAD is detached; check out a branch`, 409);
    return result.stdout.trim();
  }

  async commit(_repo: RepoPath, request: CommitRequest): Promise<{ sha: string }> {
    await this.assertBranchName(request.branch);
    const base = await this.resolveCommit(request.parent);
    const scratch = await mkdtemp(join(tmpdir(), 'gantry-index-'));
    const env = { GIT_INDEX_FILE: join(scratch, 'index') };
    try {
      await this.run(['read-tree', base], env);
      for (const change of request.changes) {
        if (change.content === null) {
          await this.run(['update-index', '--force-remove', '--', change.path], env);
          continue;
        }
        const blob = (await this.run(['hash-object', '-w', '--stdin'], {}, change.content)).stdout.trim();
        const mode = (await this.modeOf(base, change.path)) ?? '100644';
        await this.run(['update-index', '--add', '--cacheinfo', `${mode},${blob},${change.path}`], env);
      }
      const tree = (await this.run(['write-tree'], env)).stdout.trim();
      const author = request.author ?? { name: 'gantry', email: 'gantry@localhost' };
      const identity = {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
      };
      const sha = (
        await this.run(['commit-tree', tree, '-p', base, '-F', '-'], identity, request.message)
      ).stdout.trim();
      const old = request.expectedHead ?? ZERO_OID;
      const moved = await git(this.dir, [
        'update-ref',
        '-m',
        'gantry',
        `refs/heads/${request.branch}`,
        sha,
        old,
      ]);
      if (moved.code !== 0) {
        throw new ConflictError(
          request.expectedHead === null
            ? `branch "${request.branch}" already exists`
            : `branch "${request.branch}" moved: it no longer points at ${request.expectedHead.slice(0, 12)}`,
        );
      }
      return { sha };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  private async modeOf(ref: string, path: string): Promise<string | undefined> {
    const result = await git(this.dir, ['ls-tree', '-z', ref, '--', path]);
    const mode = result.stdout.split(' ')[0];
    return result.code === 0 && mode && /^100(644|755)$/.test(mode) ? mode : undefined;
  }

  private async resolveCommit(ref: string): Promise<string> {
    const result = await git(this.dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    if (result.code !== 0) throw new NotFoundError(`ref "${ref}" does not exist in ${this.dir}`);
    return result.stdout.trim();
  }

  private async blob(sha: string, path: string): Promise<string | null> {
    const result = await git(this.dir, ['cat-file', 'blob', `${sha}:${path}`]);
    return result.code === 0 ? result.stdout : null;
  }

  private async assertBranchName(branch: string): Promise<void> {
    if ((await git(this.dir, ['check-ref-format', '--branch', branch])).code !== 0) {
      throw new ForgeError(`"${branch}" is not a valid branch name`, 422);
    }
  }

  private async run(args: string[], env: Record<string, string> = {}, input?: string) {
    const result = await git(this.dir, args, { env, ...(input === undefined ? {} : { input }) });
    if (result.code !== 0) {
      throw new ForgeError(
        `git ${args[0]} failed in ${this.dir}: ${result.stderr.trim()}`,
        500,
        result.stderr,
      );
    }
    return result;
  }
}
