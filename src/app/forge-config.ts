import { DEFAULT_CONFIG_PATH, formatExtendsRef, loadConfig } from '../core/config/index.ts';
import type { GantryConfig } from '../core/config/schema.ts';
import type { ForgeFiles, RepoPath } from '../ports/forge.ts';

/**
 * A repository's `.gantry.yml` at a ref, with its `extends:` chain read through the forge
 * (same-repo paths at the same ref, other repositories at their default branch). Null when
 * the repository has no configuration: it is not a gantry repository. Throws ConfigError.
 */
export async function loadForgeConfig(
  forge: ForgeFiles,
  repo: RepoPath,
  ref: string,
): Promise<GantryConfig | null> {
  const content = await forge.readFile(repo, DEFAULT_CONFIG_PATH, ref);
  if (content === null) return null;
  const owner = repo.slice(0, repo.lastIndexOf('/'));
  return loadConfig({ file: DEFAULT_CONFIG_PATH, content }, async (extendsRef) => {
    const target = extendsRef.kind === 'same-repo' ? repo : `${extendsRef.owner ?? owner}/${extendsRef.repo}`;
    const at = extendsRef.kind === 'same-repo' ? ref : await forge.defaultBranch(target);
    const text = await forge.readFile(target, extendsRef.path, at);
    if (text === null) throw new Error(`no such file in ${target}`);
    const file =
      extendsRef.kind === 'same-repo'
        ? extendsRef.path
        : formatExtendsRef({ ...extendsRef, owner: extendsRef.owner ?? owner });
    return { file, content: text };
  });
}
