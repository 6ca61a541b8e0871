import type { KeySegment } from './key-path.ts';

/** A one-line scalar found by scanning lines: its text, its byte range and its quoting. */
export interface ScannedScalar {
  value: string;
  start: number;
  end: number;
  type: 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE';
}

const DOCUMENT_MARKERS = /^(?:---|\.\.\.|%)/m;
const UNSAFE_KEY = /["'{}[\]&*!|>%@`#,?]|^-|^<<$/;
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;

/**
 * Finds the scalar at a path of plain keys in a block-style YAML file by scanning lines, without
 * parsing the whole file: a 1 MiB values file is edited in milliseconds. It relies on YAML's
 * rule that everything inside a block value is indented deeper than its key, and answers only
 * when every line it reads on the way is plain `key: value` text. Anything else on the path — a
 * document marker, an anchor, alias, tag or merge key, a quoted or complex key, a flow
 * collection, a block or multi-line scalar, an escape, a tab, a list — gives `undefined`, and
 * the caller parses the whole file instead (which also produces the precise error messages).
 * Lines off the path are only skipped by their indentation.
 */
export function scanScalar(text: string, segments: readonly KeySegment[]): ScannedScalar | undefined {
  if (segments.length === 0 || segments.some((s) => s.kind !== 'key')) return undefined;
  if (text.charCodeAt(0) === 0xfeff || DOCUMENT_MARKERS.test(text)) return undefined;
  let pos = 0;
  let parentIndent = -1;
  for (const [i, segment] of segments.entries()) {
    const key = (segment as { key: string }).key;
    const last = i === segments.length - 1;
    let childIndent = -1;
    let sawKey = false;
    let found: { lineEnd: number; rest: number } | undefined;
    while (pos < text.length) {
      const lineStart = pos;
      const newline = text.indexOf('\n', pos);
      const lineEnd = newline < 0 ? text.length : newline;
      pos = newline < 0 ? text.length : newline + 1;
      let indent = 0;
      while (text.charCodeAt(lineStart + indent) === 32) indent++;
      const first = text[lineStart + indent];
      if (first === undefined || first === '\n' || first === '\r' || first === '#') continue;
      if (first === '\t') return undefined;
      if (indent <= parentIndent) return undefined; // the key is not in this block: let the parser say so
      if (childIndent < 0) childIndent = indent;
      if (indent > childIndent) continue; // inside another key's value
      if (indent < childIndent) return undefined;
      if (first === '-' && /^-(?:[ \t]|\r?$)/.test(text.slice(lineStart + indent, lineEnd))) {
        // A list at its key's indentation is that key's value; a block that starts with one is a list.
        if (!sawKey) return undefined;
        continue;
      }
      const line = text.slice(lineStart + indent, lineEnd);
      const colon = line.search(/:(?:[ \t]|\r?$)/);
      if (colon <= 0) return undefined;
      const name = line.slice(0, colon).trimEnd();
      if (UNSAFE_KEY.test(name)) return undefined;
      sawKey = true;
      if (name !== key) continue;
      found = { lineEnd, rest: lineStart + indent + colon + 1 };
      break;
    }
    if (!found) return undefined;
    const restText = text.slice(found.rest, found.lineEnd);
    if (!last) {
      // The value is on the following lines: nothing but a comment may follow the colon.
      if (!/^(?:[ \t]+#.*|[ \t]*)\r?$/.test(restText)) return undefined;
      parentIndent = childIndent;
      continue;
    }
    const scalar = lineScalar(text, found.rest, found.lineEnd);
    if (!scalar) return undefined;
    // A plain scalar continues on deeper lines; a list or mapping could follow: leave those to the parser.
    if (nextContentIndent(text, pos) > childIndent) return undefined;
    return scalar;
  }
  return undefined;
}

function nextContentIndent(text: string, pos: number): number {
  while (pos < text.length) {
    const newline = text.indexOf('\n', pos);
    const lineEnd = newline < 0 ? text.length : newline;
    let indent = 0;
    while (text.charCodeAt(pos + indent) === 32) indent++;
    const first = text[pos + indent];
    if (first !== undefined && first !== '\n' && first !== '\r' && first !== '#')
      return first === '\t' ? Infinity : indent;
    pos = lineEnd + 1;
  }
  return -1;
}

/** The scalar after `key:` on one line, with an optional trailing comment; undefined for anything else. */
function lineScalar(text: string, from: number, lineEnd: number): ScannedScalar | undefined {
  let start = from;
  while (text[start] === ' ') start++;
  let end = lineEnd;
  if (text[end - 1] === '\r') end--;
  const head = text[start];
  if (start >= end || head === undefined) return undefined;
  let close: number;
  let value: string;
  let type: ScannedScalar['type'];
  if (head === '"') {
    close = text.indexOf('"', start + 1);
    if (close < 0 || close >= end) return undefined;
    value = text.slice(start + 1, close);
    if (value.includes('\\')) return undefined; // escapes: the parser decodes them
    type = 'QUOTE_DOUBLE';
    close++;
  } else if (head === "'") {
    let at = start + 1;
    for (;;) {
      at = text.indexOf("'", at);
      if (at < 0 || at >= end) return undefined;
      if (text[at + 1] === "'") at += 2;
      else break;
    }
    value = text.slice(start + 1, at).replaceAll("''", "'");
    type = 'QUOTE_SINGLE';
    close = at + 1;
  } else {
    if (INDICATOR.test(head)) return undefined;
    const comment = text.slice(start, end).search(/[ \t]#/);
    close = comment < 0 ? end : start + comment;
    while (close > start && (text[close - 1] === ' ' || text[close - 1] === '\t')) close--;
    value = text.slice(start, close);
    if (/: |:$|\t/.test(value)) return undefined;
    type = 'PLAIN';
  }
  // After the scalar: spaces, then nothing or a comment.
  const after = text.slice(close, end);
  if (!/^(?:[ \t]*|[ \t]+#.*)$/.test(after)) return undefined;
  if (value.trim() === '' || (/^(?:~|null|Null|NULL)$/.test(value) && type === 'PLAIN')) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters send the file to the parser
  if (/[\u0000-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(value)) return undefined;
  return { value, start, end: close, type };
}
