import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { isBuildFile, isIgnoredDir } from '../../core/build/discover.ts';
import { NotFoundError, ValidationError } from '../../core/errors.ts';
import type { FileResult, RepoSource } from '../../ports/repo-source.ts';
import { WorkingTree } from './working-tree.ts';

/** A working tree on disk as renderCi's RepoSource: files as they are now, committed or not. */
export async function workingTreeSource(root: string): Promise<RepoSource> {
  const base = resolve(root);
  const info = await stat(base).catch(() => undefined);
  if (!info?.isDirectory()) throw new NotFoundError(`${root}: no such directory`);
  return {
    readFile: async (path) => {
      try {
        return await readFile(inside(base, path), 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return null;
        throw error;
      }
    },
    listCandidateFiles: () => findBuildFiles(base),
  };
}

/**
 * Dockerfiles and Containerfiles under `root`, as repository paths. Ignored directories
 * (dependencies, fixtures, hidden ones) are not entered at all, so a large node_modules costs
 * nothing; symbolic links are not followed.
 */
export async function findBuildFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    await Promise.all(
      entries.map(async (entry) => {
        if (entry.isDirectory()) {
          if (!isIgnoredDir(entry.name)) await walk(join(dir, entry.name));
        } else if (entry.isFile() && isBuildFile(entry.name)) {
          found.push(relative(root, join(dir, entry.name)).split(sep).join('/'));
        }
      }),
    );
  };
  await walk(root);
  return found;
}

/** Writes the changed files of a render; nothing when all are up to date. */
export async function writeRepoFiles(root: string, files: readonly FileResult[]): Promise<string[]> {
  const changed = files.filter((file) => file.changed);
  // The same checks as a promotion's --write: inside the repository, never through a symlink.
  await new WorkingTree(resolve(root)).writeFiles(
    changed.map((file) => ({ path: file.path, after: file.content })),
    { createDirectories: true },
  );
  return changed.map((file) => file.path);
}

function inside(base: string, path: string): string {
  const full = resolve(base, path);
  if (full !== base && !full.startsWith(base + sep)) {
    throw new ValidationError(`"${path}" is outside the repository`);
  }
  return full;
}
