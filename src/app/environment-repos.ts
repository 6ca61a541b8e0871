import { DEFAULT_CONFIG_PATH, extendedRepo } from '../core/config/index.ts';
import { UsageError } from '../core/errors.ts';
import { splitKey } from '../core/promote/file-key.ts';
import type { ForgeFiles, RepoPath } from '../ports/forge.ts';

export interface RepoBase {
  branch: string;
  sha: string;
}

/** Files of several repositories, by `fileKey`, and the commit each repository was read at. */
export interface AcrossSnapshot {
  files: Map<string, string | null>;
  bases: Map<RepoPath, RepoBase>;
}

/**
 * An environment in its own repository is read and written only when that repository says
 * so: its .gantry.yml extends the one holding the configuration (`extends: shop/gitops`).
 * Otherwise anyone who may edit one repository's config could have gantry copy files out of,
 * or open PRs in, any other repository the installation reaches. Returns its default branch.
 */
export async function requireOptIn(forge: ForgeFiles, repo: RepoPath, home: RepoPath): Promise<string> {
  const branch = await forge.defaultBranch(repo);
  const content = await forge.readFile(repo, DEFAULT_CONFIG_PATH, branch);
  const extended =
    content === null ? undefined : extendedRepo({ file: `${repo}:${DEFAULT_CONFIG_PATH}`, content }, repo);
  if (extended?.toLowerCase() !== home.toLowerCase()) {
    throw new UsageError(
      `${repo} does not take promotions from ${home}: its ${DEFAULT_CONFIG_PATH} must say "extends: ${home}"${content === null ? ' (it has none)' : ''}`,
    );
  }
  return branch;
}

/**
 * Reads the files a plan lists: the home repository's at `base`, every other repository's at
 * its default branch once it opted in. One batched read per repository.
 */
export async function readAcross(
  forge: ForgeFiles,
  home: RepoPath,
  base: string,
  keys: readonly string[],
): Promise<AcrossSnapshot> {
  const byRepo = new Map<RepoPath, string[]>([[home, []]]);
  for (const key of keys) {
    const repo = splitKey(key).repo ?? home;
    byRepo.set(repo, [...(byRepo.get(repo) ?? []), key]);
  }
  const files = new Map<string, string | null>();
  const bases = new Map<RepoPath, RepoBase>();
  for (const [repo, group] of byRepo) {
    const branch = repo === home ? base : await requireOptIn(forge, repo, home);
    const paths = group.map((key) => splitKey(key).path);
    const snapshot = await forge.readFiles(repo, [...new Set(paths)], branch);
    bases.set(repo, { branch, sha: snapshot.sha });
    group.forEach((key, i) => {
      files.set(key, snapshot.files.get(paths[i]!) ?? null);
    });
  }
  return { files, bases };
}
