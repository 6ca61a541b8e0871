import { readFile, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { MAX_CONFIG_BYTES } from '../../core/config/decode.ts';
import type { ConfigSource, ExtendsRef, ResolveExtends } from '../../core/config/index.ts';
import { formatExtendsRef } from '../../core/config/index.ts';
import { ConfigError, NotFoundError } from '../../core/errors.ts';

/** Reads a configuration file from disk as bytes (decoding and size checks happen in core). */
export async function readConfigFile(path: string, displayName = path): Promise<ConfigSource> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new NotFoundError(`${displayName}: no such file`);
  }
  if (size > MAX_CONFIG_BYTES) {
    // Refuse before reading a huge file into memory; core reports the same limit for forge reads.
    throw new ConfigError([
      {
        file: displayName,
        line: 1,
        column: 1,
        path: '',
        message: `file is ${size} bytes; the limit is ${MAX_CONFIG_BYTES} bytes (1 MiB)`,
      },
    ]);
  }
  return { file: displayName, content: await readFile(path) };
}

/**
 * Resolves `extends:` from disk for the CLI: `./file.yml` relative to the extending file.
 * Another repository can only be read by the bot, which has forge credentials.
 */
export function diskExtendsResolver(configPath: string): ResolveExtends {
  const root = dirname(configPath);
  return async (ref: ExtendsRef, from: ConfigSource) => {
    if (ref.kind !== 'same-repo') {
      throw new Error(`"${formatExtendsRef(ref)}" is in another repository; the CLI reads only local files`);
    }
    // ref.path is relative to the directory of the first file; `from.file` keeps display names stable.
    const path = join(root, ref.path);
    return readConfigFile(path, relative(process.cwd(), path) || from.file);
  };
}
