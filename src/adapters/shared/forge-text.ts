import { decodeConfigBytes, MAX_CONFIG_BYTES } from '../../core/config/decode.ts';
import { ConfigError } from '../../core/errors.ts';

/** Past this many bytes, a file's read stops: it would be refused anyway. */
export const MAX_FILE_BYTES = MAX_CONFIG_BYTES;

/**
 * The text of a file's bytes as a forge returned them, with the checks the CLI applies to the
 * files it reads (`decodeConfigBytes`: at most 1 MiB, valid UTF-8, else a ConfigError naming
 * the file, line and column). A byte-order mark is kept: files gantry edits stay byte-identical.
 */
export function forgeText(path: string, bytes: Uint8Array): string {
  const decoded = decodeConfigBytes(path, bytes);
  if (!decoded.ok) throw new ConfigError([decoded.issue]);
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}

/** A stream's bytes, stopping one byte past `limit` (enough for the size check to refuse it). */
export async function readLimited(
  stream: ReadableStream<Uint8Array>,
  limit = MAX_FILE_BYTES,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  try {
    while (size <= limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks);
}
