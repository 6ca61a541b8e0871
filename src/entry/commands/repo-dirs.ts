import { resolve } from 'node:path';
import { WorkingTree } from '../../adapters/local/working-tree.ts';
import { UsageError } from '../../core/errors.ts';
import { splitKey } from '../../core/promote/file-key.ts';
import type { FileUpdate } from '../../core/promote/plan.ts';
import type { FileSnapshot } from '../../ports/forge.ts';

/** `--repo-dir shop/argocd-production=../argocd-production`: where another repository is checked out. */
export function parseRepoDir(value: string, all: Map<string, string>): Map<string, string> {
  const at = value.indexOf('=');
  const repo = value.slice(0, at);
  if (at < 1 || !/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/.test(repo) || at === value.length - 1)
    throw new UsageError(`--repo-dir ${value}: expected owner/repo=<directory>`);
  return new Map([...all, [repo, resolve(value.slice(at + 1))]]);
}

/**
 * The working trees of a promotion: the checkout holding .gantry.yml, and one per other
 * repository an environment lives in (`environments[].repo`), as `--repo-dir` names them.
 */
export class WorkingTrees {
  readonly #home: WorkingTree;
  readonly #others: Map<string, WorkingTree>;

  constructor(dir: string, repoDirs: ReadonlyMap<string, string>) {
    this.#home = new WorkingTree(dir);
    this.#others = new Map([...repoDirs].map(([repo, d]) => [repo, new WorkingTree(d)]));
  }

  /** Reads files by `fileKey`; a repository without a directory is a usage error naming the option. */
  async readFiles(keys: readonly string[]): Promise<FileSnapshot> {
    const files = new Map<string, string | null>();
    for (const key of keys) {
      const { repo, path } = splitKey(key);
      const read = await this.#tree(repo).readFiles([path]);
      files.set(key, read.files.get(path) ?? null);
    }
    return { sha: 'working-tree', files };
  }

  async writeFiles(
    updates: readonly FileUpdate[],
    options: { createDirectories?: boolean } = {},
  ): Promise<void> {
    for (const [repo, list] of byRepo(updates)) await this.#tree(repo).writeFiles(list, options);
  }

  /** Refuses what `writeFiles(…, { createDirectories: true })` would, writing nothing (dry runs). */
  async checkWritable(updates: readonly FileUpdate[]): Promise<void> {
    for (const [repo, list] of byRepo(updates)) await this.#tree(repo).checkWritable(list.map((u) => u.path));
  }

  #tree(repo: string | undefined): WorkingTree {
    if (repo === undefined) return this.#home;
    const tree = this.#others.get(repo);
    if (!tree)
      throw new UsageError(`an environment lives in ${repo}: pass --repo-dir ${repo}=<its checkout>`);
    return tree;
  }
}

function byRepo(updates: readonly FileUpdate[]): Map<string | undefined, FileUpdate[]> {
  const out = new Map<string | undefined, FileUpdate[]>();
  for (const u of updates) out.set(u.repo, [...(out.get(u.repo) ?? []), u]);
  return out;
}
