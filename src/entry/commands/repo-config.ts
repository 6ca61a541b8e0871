import { join } from 'node:path';
import { diskExtendsResolver, readConfigFile } from '../../adapters/local/config-files.ts';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../../core/config/index.ts';
import type { GantryConfig } from '../../core/config/schema.ts';

/** The configuration of a repository checkout: `<dir>/.gantry.yml` unless a file is named. */
export async function loadRepoConfig(dir: string, file?: string): Promise<GantryConfig> {
  const path = file ?? join(dir, DEFAULT_CONFIG_PATH);
  return loadConfig(await readConfigFile(path), diskExtendsResolver(path));
}
