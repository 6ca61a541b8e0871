import type { ConfigIssue } from '../errors.ts';

/** Configuration files larger than this are refused before parsing. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export type Decoded = { ok: true; text: string } | { ok: false; issue: ConfigIssue };

/**
 * Turns file bytes into text, refusing oversized files and invalid UTF-8 with the line and
 * column of the first bad byte (TextDecoder's fatal mode only says "invalid").
 */
export function decodeConfigBytes(file: string, input: Uint8Array | string): Decoded {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  if (bytes.length > MAX_CONFIG_BYTES) {
    return fail(file, 1, 1, `file is ${bytes.length} bytes; the limit is ${MAX_CONFIG_BYTES} bytes (1 MiB)`);
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad !== -1) {
    const { line, column } = positionOfByte(bytes, bad);
    const hex = bytes[bad]!.toString(16).padStart(2, '0');
    return fail(
      file,
      line,
      column,
      `file is not valid UTF-8 (byte 0x${hex} at offset ${bad}); save it as UTF-8`,
    );
  }
  let text = new TextDecoder('utf-8').decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { ok: true, text };
}

function fail(file: string, line: number, column: number, message: string): Decoded {
  return { ok: false, issue: { file, line, column, path: '', message } };
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are invalid UTF-8.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}

/** 1-based line and column (in characters) of a byte offset in UTF-8 bytes that are valid before it. */
function positionOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
  const lines = before.split('\n');
  return { line: lines.length, column: [...lines[lines.length - 1]!].length + 1 };
}
