import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { ValidationError } from '../errors.ts';
import { doubleQuoted, plainReadsAs, renderScalar } from './scalar.ts';
import { where, type YamlFile } from './yaml-file.ts';

/** Replace `text.slice(start, end)` with `insert`. Edits of one pass never overlap. */
export interface TextEdit {
  start: number;
  end: number;
  insert: string;
}

/** Applies edits from the end of the text backwards, so earlier offsets stay valid. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.end > sorted[i - 1]!.start) throw new Error('overlapping YAML edits');
  }
  let out = text;
  for (const edit of sorted) out = out.slice(0, edit.start) + edit.insert + out.slice(edit.end);
  return out;
}

/** Rewrites one scalar's text in place; everything around it (anchor, comment, EOL) is untouched. */
export function setScalar(text: string, scalar: Scalar, value: string, inFlow: boolean): TextEdit {
  const [start, end] = scalar.range!;
  // A block scalar's range runs through its last line break, which must survive the rewrite.
  const lineBreak = /\r?\n$/.exec(text.slice(start, end))?.[0] ?? '';
  return { start, end, insert: renderScalar(scalar, value, inFlow) + lineBreak };
}

/** A scalar written fresh (no original to follow): plain when unambiguous, else double-quoted. */
export function freshScalar(value: string, inFlow: boolean): string {
  return plainReadsAs(value, 'string', inFlow) ? value : doubleQuoted(value);
}

/** Adds `key: value` as the last pair of a mapping, in its style and indentation. */
export function insertPair(
  file: YamlFile,
  map: YAMLMap<Node, Node | null>,
  key: string,
  value: string,
): TextEdit {
  const pairText = `${key}: ${freshScalar(value, map.flow === true)}`;
  const [start, valueEnd] = map.range!;
  if (map.flow) {
    const close = file.text.lastIndexOf('}', valueEnd);
    const empty = map.items.length === 0;
    return { start: close, end: close, insert: empty ? pairText : `, ${pairText}` };
  }
  const first = map.items[0];
  const last = map.items[map.items.length - 1];
  if (!first || !last)
    throw new ValidationError(`${where(file, start)}: cannot add "${key}" to an empty block mapping`);
  const indent = ' '.repeat(columnOf(file.text, (first.key as Node).range![0]));
  const at = lineEndAfter(file.text, endOf(last));
  const lead = at === file.text.length && !file.text.endsWith('\n') ? file.eol : '';
  return { start: at, end: at, insert: `${lead}${indent}${pairText}${lead ? '' : file.eol}` };
}

/** Removes a `key: value` pair (its whole line(s) in block style). */
export function deletePair(
  file: YamlFile,
  map: YAMLMap<Node, Node | null>,
  pair: Pair<Node, Node | null>,
): TextEdit {
  const keyStart = (pair.key as Node).range![0];
  const end = endOf(pair);
  if (map.flow) {
    const index = map.items.indexOf(pair);
    if (map.items.length === 1) return { start: keyStart, end, insert: '' };
    if (index > 0) return { start: endOf(map.items[index - 1]!), end, insert: '' };
    return { start: keyStart, end: (map.items[1]!.key as Node).range![0], insert: '' };
  }
  const lineStart = file.text.lastIndexOf('\n', keyStart - 1) + 1;
  if (file.text.slice(lineStart, keyStart).trim() !== '') {
    throw new ValidationError(
      `${where(file, keyStart)}: cannot remove "${String((pair.key as Scalar).value)}": it shares its line`,
    );
  }
  const lineEnd = lineEndAfter(file.text, end);
  if (lineEnd === file.text.length && !file.text.endsWith('\n') && lineStart > 0) {
    // The last line has no line break: take the one before it, so the file still ends without one.
    return {
      start: file.text[lineStart - 2] === '\r' ? lineStart - 2 : lineStart - 1,
      end: lineEnd,
      insert: '',
    };
  }
  return { start: lineStart, end: lineEnd, insert: '' };
}

/** Appends a mapping item `{ fields }` to a list, in its style and indentation. */
export function appendMapItem(
  file: YamlFile,
  seq: YAMLSeq<Node>,
  fields: readonly [string, string][],
): TextEdit {
  const [start, valueEnd] = seq.range!;
  if (seq.flow) {
    const body = fields.map(([k, v]) => `${k}: ${freshScalar(v, true)}`).join(', ');
    const close = file.text.lastIndexOf(']', valueEnd);
    return { start: close, end: close, insert: `${seq.items.length ? ', ' : ''}{${body}}` };
  }
  const last = seq.items[seq.items.length - 1];
  if (!last) throw new ValidationError(`${where(file, start)}: cannot append to an empty block list`);
  const dash = file.text.lastIndexOf('-', last.range![0]);
  const indent = ' '.repeat(columnOf(file.text, dash));
  const lines = fields.map(
    ([k, v], i) => `${i === 0 ? `${indent}- ` : `${indent}  `}${k}: ${freshScalar(v, false)}`,
  );
  const at = lineEndAfter(file.text, last.range![1]);
  const lead = at === file.text.length && !file.text.endsWith('\n') ? file.eol : '';
  return { start: at, end: at, insert: `${lead}${lines.join(file.eol)}${lead ? '' : file.eol}` };
}

export function isCollection(node: unknown): node is YAMLMap<Node, Node | null> | YAMLSeq<Node> {
  return isMap(node) || isSeq(node);
}

export function asScalar(node: unknown): Scalar | undefined {
  return isScalar(node) ? node : undefined;
}

/** End of a pair's value text (before its trailing comment and line break). */
export function endOf(pair: Pair<Node, Node | null>): number {
  return (pair.value as Node | null)?.range?.[1] ?? (pair.key as Node).range![1];
}

export function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/**
 * Offset just past the line break that ends the line containing `offset` (or the text's end).
 * Block collections end just after their last line break already; that offset is returned as is.
 */
export function lineEndAfter(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const newline = text.indexOf('\n', offset);
  return newline < 0 ? text.length : newline + 1;
}
