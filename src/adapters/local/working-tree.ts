import { lstat, mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { unsafePathReason } from '../../core/config/paths.ts';
import { ValidationError } from '../../core/errors.ts';
import type { FileSnapshot } from '../../ports/forge.ts';

/**
 * Files of a directory as they are on disk (uncommitted changes included), for
 * `gantry promote --dry-run/--write`. Paths come from configuration; each is checked to stay
 * inside the directory, and symbolic links are refused so a write cannot land elsewhere.
 */
export class WorkingTree {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  async readFiles(paths: readonly string[]): Promise<FileSnapshot> {
    const files = new Map<string, string | null>();
    for (const path of paths) files.set(path, await this.read(path));
    return { sha: 'working-tree', files };
  }

  /**
   * Writes every file or, when one path is unsafe, none. With `createDirectories`, missing
   * directories are made first (inside the repository: their real path is checked too).
   */
  async writeFiles(
    updates: readonly { path: string; after: string }[],
    options: { createDirectories?: boolean } = {},
  ): Promise<void> {
    if (options.createDirectories) {
      await this.checkWritable(updates.map((u) => u.path));
      for (const update of updates) await mkdir(dirname(join(this.dir, update.path)), { recursive: true });
    }
    for (const update of updates) await this.check(update.path, true);
    for (const update of updates) await writeFile(join(this.dir, update.path), update.after);
  }

  /**
   * Refuses exactly what `writeFiles(…, { createDirectories: true })` would refuse, writing
   * nothing: a dry run checks with it. The nearest existing directory on each path must
   * really be inside the repository (so no directory is ever made through a link).
   */
  async checkWritable(paths: readonly string[]): Promise<void> {
    const root = await realpath(this.dir);
    for (const path of paths) {
      const unsafe = unsafePathReason(path);
      if (unsafe) throw new ValidationError(`${path}: path ${unsafe}`);
      let dir = dirname(join(this.dir, path));
      let real: string | undefined;
      while (real === undefined) {
        real = await realpath(dir).catch(() => undefined);
        if (real === undefined) dir = dirname(dir);
      }
      const inside = relative(root, real);
      if (inside.startsWith(`..${sep}`) || inside === '..')
        throw new ValidationError(`${path}: leads outside ${this.dir}`);
      if (real === (await realpath(dirname(join(this.dir, path))).catch(() => undefined))) {
        await this.check(path, true);
      }
    }
  }

  private async read(path: string): Promise<string | null> {
    if (!(await this.check(path, false))) return null;
    return readFile(join(this.dir, path), 'utf8');
  }

  /** Whether the file exists; throws when the path or anything on it is unsafe. */
  private async check(path: string, forWrite: boolean): Promise<boolean> {
    const unsafe = unsafePathReason(path);
    if (unsafe) throw new ValidationError(`${path}: path ${unsafe}`);
    const full = join(this.dir, path);
    let exists = true;
    try {
      const stat = await lstat(full);
      if (stat.isSymbolicLink())
        throw new ValidationError(`${path}: is a symbolic link; gantry only edits regular files`);
      if (!stat.isFile()) throw new ValidationError(`${path}: is not a regular file`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      exists = false;
    }
    // The directories on the way may be links too: the real parent must stay inside the repo.
    const root = await realpath(this.dir);
    const parent = await realpath(join(full, '..')).catch(() => undefined);
    if (parent === undefined) {
      if (forWrite) throw new ValidationError(`${path}: its directory does not exist`);
      return false;
    }
    const inside = relative(root, parent);
    if (inside.startsWith(`..${sep}`) || inside === '..')
      throw new ValidationError(`${path}: leads outside ${this.dir}`);
    return exists;
  }
}
