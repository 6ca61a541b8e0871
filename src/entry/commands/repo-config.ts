import { isAbsolute, join, resolve } from 'node:path';
import { diskExtendsResolver, readConfigFile } from '../../adapters/local/config-files.ts';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../../core/config/index.ts';
import type { GantryConfig } from '../../core/config/schema.ts';

/** Where `--config` points: relative to `--repo` (every command alike), unless absolute. */
export function configPathIn(dir: string, file?: string): string {
  if (file === undefined) return join(dir, DEFAULT_CONFIG_PATH);
  return isAbsolute(file) ? file : resolve(dir, file);
}

/** The configuration of a repository checkout: `<dir>/.gantry.yml` unless a file is named. */
export async function loadRepoConfig(dir: string, file?: string): Promise<GantryConfig> {
  const path = configPathIn(dir, file);
  return loadConfig(await readConfigFile(path), diskExtendsResolver(path));
}
