import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import { ValidationError } from '../errors.ts';
import { columnOf, endOf, freshScalar, lineEndAfter, type TextEdit } from './edits.ts';
import { where, type YamlFile } from './yaml-file.ts';

/**
 * Gives a one-document file's root mapping the list `key:` with one mapping item, where the
 * key is absent or holds nothing (`images:`, `images: null`, `images: ~`): a kustomization
 * overlay without `images:` yet. Items are indented as the file's other block lists are.
 */
export function addListWithItem(
  file: YamlFile,
  key: string,
  fields: readonly [string, string][],
): TextEdit[] {
  const docs = file.docs.filter((d) => d.contents !== null);
  const root = docs[0]?.contents;
  if (docs.length !== 1 || !isMap(root) || root.flow) {
    throw new ValidationError(
      `${file.path}: cannot add "${key}:": expected one document holding a block mapping, found ${docs.length === 1 ? 'another shape' : `${docs.length} documents`}`,
    );
  }
  const map = root as YAMLMap<Node, Node | null>;
  const first = map.items[0];
  if (!first) throw new ValidationError(`${file.path}: cannot add "${key}:" to an empty mapping`);
  const keyIndent = columnOf(file.text, (first.key as Node).range![0]);
  const dash = keyIndent + listIndent(file, map);
  const lines = fields.map(
    ([k, v], i) =>
      `${' '.repeat(i === 0 ? dash : dash + 2)}${i === 0 ? '- ' : ''}${k}: ${freshScalar(v, false)}`,
  );
  const body = lines.map((l) => l + file.eol).join('');
  const existing = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
  if (existing) return fillNull(file, existing, body, key);
  const last = map.items[map.items.length - 1]!;
  const at = lineEndAfter(file.text, endOf(last));
  const lead = at === file.text.length && !file.text.endsWith('\n') ? file.eol : '';
  const insert = `${lead}${' '.repeat(keyIndent)}${key}:${file.eol}${body}`;
  return [{ start: at, end: at, insert: lead ? insert.slice(0, -file.eol.length) : insert }];
}

/** `key:` / `key: null` / `key: ~`: the null goes, the list lines follow the key's line. */
function fillNull(file: YamlFile, pair: Pair<Node, Node | null>, body: string, key: string): TextEdit[] {
  const value = pair.value;
  if (value !== null && !(isScalar(value) && value.value === null)) {
    throw new ValidationError(
      `${where(file, (pair.key as Node).range![0])}: ${key}: expected a list, found ${isSeq(value) ? 'a list' : 'another value'}`,
    );
  }
  const keyEnd = (pair.key as Node).range![1];
  const [start, end] = value?.range ?? [keyEnd, keyEnd];
  const edits: TextEdit[] = [];
  if (end > start) {
    // Drop ` null` (the spaces before it too), keep a comment after it.
    let from = start;
    while (from > keyEnd && / /.test(file.text[from - 1]!)) from--;
    if (file.text[from - 1] === ':') edits.push({ start: from, end, insert: '' });
  }
  const at = lineEndAfter(file.text, Math.max(end, keyEnd));
  const lead = at === file.text.length && !file.text.endsWith('\n') ? file.eol : '';
  edits.push({ start: at, end: at, insert: lead ? lead + body.slice(0, -file.eol.length) : body });
  return edits;
}

/** How far the file indents block list items under their key (kustomize itself writes 0). */
function listIndent(file: YamlFile, map: YAMLMap<Node, Node | null>): number {
  for (const pair of map.items) {
    const seq = pair.value;
    const item = isSeq(seq) && !seq.flow ? (seq.items[0] as Node | undefined) : undefined;
    if (item?.range) {
      const dash = file.text.lastIndexOf('-', item.range[0]);
      return columnOf(file.text, dash) - columnOf(file.text, (pair.key as Node).range![0]);
    }
  }
  return 0;
}
