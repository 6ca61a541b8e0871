import { parse, type Scalar } from 'yaml';

/**
 * The source text for `value` written in place of `original`, in the same style when that
 * reads back as the same kind of value:
 *  - plain stays plain when every reader takes the new text back as the string `value`: a
 *    version is text, and Helm's untyped values would read a plain `1.20` as the number 1.2
 *    (`on` as a boolean in YAML 1.1 tools) — else it is written "…";
 *  - 'single' and "double" quotes are kept, escaped as each style requires;
 *  - block scalars (| and >) become "double-quoted": a version never spans lines.
 */
export function renderScalar(original: Scalar | undefined, value: string, inFlow: boolean): string {
  const type = original?.type;
  if (type === 'QUOTE_SINGLE' && !/[\n\r\t]/.test(value) && isPrintable(value))
    return `'${value.replaceAll("'", "''")}'`;
  if (
    type === 'QUOTE_DOUBLE' ||
    type === 'QUOTE_SINGLE' ||
    type === 'BLOCK_LITERAL' ||
    type === 'BLOCK_FOLDED'
  ) {
    return doubleQuoted(value);
  }
  return plainReadsAs(value, 'string', inFlow) ? value : doubleQuoted(value);
}

/** Whether `text` written plain reads back as `text`, of type `type` (YAML 1.2 and 1.1 readers). */
export function plainReadsAs(text: string, type: string, inFlow: boolean): boolean {
  if (text === '' || text.trim() !== text || /[\n\r\t]/.test(text) || !isPrintable(text)) return false;
  // Words that YAML 1.1 readers (Helm's go-yaml v2, PyYAML) take as booleans must stay quoted.
  if (type === 'string' && /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/.test(text)) return false;
  for (const wrap of inFlow
    ? [(t: string) => `[${t}]`]
    : [(t: string) => `k: ${t}`, (t: string) => `- ${t}`]) {
    let read: unknown;
    try {
      // logLevel error: a value such as `!x` is a tag to YAML; that is an answer (quote it), not a warning.
      read = parse(wrap(text), { strict: true, uniqueKeys: false, logLevel: 'error' });
    } catch {
      return false;
    }
    const value = Array.isArray(read) ? read[0] : (read as Record<string, unknown> | null)?.k;
    if (Array.isArray(read) && read.length !== 1) return false;
    if (typeof value !== type || String(value) !== text) return false;
  }
  return true;
}

export function doubleQuoted(value: string): string {
  // JSON string escapes are a subset of YAML double-quoted escapes.
  return JSON.stringify(value);
}

function isPrintable(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects
  return !/[\u0000-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(text);
}
