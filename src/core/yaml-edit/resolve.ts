import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { ValidationError } from '../errors.ts';
import { formatKeyPath, type KeySegment } from './key-path.ts';
import { where, type YamlFile } from './yaml-file.ts';

export interface Located {
  /** Index of the document (multi-document files). */
  doc: number;
  node: Node;
  /** The pair holding `node` when it is a mapping value. */
  pair?: Pair<Node, Node | null>;
  /** The collection holding `node`. */
  parent?: YAMLMap<Node, Node | null> | YAMLSeq<Node>;
}

/** What a node is, in words, for error messages. */
export function describeNode(node: unknown): string {
  if (node === null || node === undefined) return 'nothing (null)';
  if (isAlias(node)) return `an alias (*${node.source})`;
  if (isMap(node))
    return `a mapping with keys ${
      keysOf(node)
        .map((k) => JSON.stringify(k))
        .join(', ') || '(none)'
    }`;
  if (isSeq(node)) return `a list of ${node.items.length} item(s)`;
  if (isScalar(node)) return `the value ${JSON.stringify(node.value)}`;
  return 'an unsupported node';
}

export function keysOf(map: YAMLMap<unknown, unknown>): string[] {
  return map.items.map((pair) => (isScalar(pair.key) ? scalarText(pair.key) : String(pair.key)));
}

/** The pair whose key is written `key` (a key `1.20` is "1.20", as a version is). */
export function pairOf(map: YAMLMap<Node, Node | null>, key: string): Pair<Node, Node | null> | undefined {
  return map.items.find((pair) => isScalar(pair.key) && scalarText(pair.key) === key);
}

/** `missing`: the path stops at an absent key (or an empty document), not at a value of the wrong kind. */
type Step = { ok: true; located: Located } | { ok: false; reason: string; missing?: boolean };

/** Only documents whose scalar at each key path has the given text (`kind: Application`, `metadata.name: web`). */
export type DocumentFilter = ReadonlyArray<{ segments: readonly KeySegment[]; value: string }>;

/** Follows a key path from a node (a document's root, or a block scalar's embedded YAML). */
function walk(file: YamlFile, docIndex: number, segments: readonly KeySegment[]): Step {
  const doc = file.docs[docIndex]!;
  let current: Located = { doc: docIndex, node: doc.contents as Node };
  for (const [i, segment] of segments.entries()) {
    const node = current.node;
    const soFar = i === 0 ? 'the document' : formatKeyPath(segments.slice(0, i));
    if (isAlias(node))
      return { ok: false, reason: `${soFar} is an alias (*${node.source}); edit the anchored value instead` };
    if (segment.kind === 'key') {
      if (i === 0 && (node === null || (isScalar(node) && node.value === null)))
        return { ok: false, reason: 'the document is empty', missing: true };
      if (!isMap(node)) return { ok: false, reason: `${soFar} is ${describeNode(node)}, not a mapping` };
      const map = node as YAMLMap<Node, Node | null>;
      const pair = pairOf(map, segment.key);
      if (!pair)
        return {
          ok: false,
          reason: `${soFar} has no key "${segment.key}" (it has ${describeNode(node).replace(/^a mapping with /, '')})`,
          missing: true,
        };
      current = { doc: docIndex, node: pair.value as Node, pair, parent: map };
    } else {
      if (!isSeq(node)) return { ok: false, reason: `${soFar} is ${describeNode(node)}, not a list` };
      const seq = node as YAMLSeq<Node>;
      let item: Node | undefined;
      if (segment.kind === 'index') {
        item = seq.items[segment.index];
        if (!item)
          return { ok: false, reason: `${soFar} has ${seq.items.length} item(s), no [${segment.index}]` };
      } else {
        item = seq.items.find((candidate) => {
          if (!isMap(candidate)) return false;
          const field = pairOf(candidate as YAMLMap<Node, Node | null>, segment.field)?.value;
          return isScalar(field) && scalarText(field) === segment.value;
        });
        if (!item)
          return { ok: false, reason: `${soFar} has no item with ${segment.field}=${segment.value}` };
      }
      current = { doc: docIndex, node: item, parent: seq };
    }
  }
  return { ok: true, located: current };
}

/**
 * Finds the node at `segments` in the file. It must exist in exactly one document; otherwise
 * the error names the file, the key path and what was found instead.
 */
export function resolvePath(
  file: YamlFile,
  segments: readonly KeySegment[],
  filter: DocumentFilter = [],
): Located {
  const path = formatKeyPath(segments);
  // YAML inside a block scalar: name the block's first line, as there is no key line to name.
  const label = file.shift ? where(file, 0) : file.path;
  if (file.docs.length === 0) throw new MissingKeyError(`${label}: ${path}: the file is empty`);
  const chosen = file.docs.map((_, i) => selected(file, i, filter));
  if (filter.length > 0 && !chosen.includes(true)) {
    const wanted = filter.map((f) => `${formatKeyPath(f.segments)}=${f.value}`).join(', ');
    throw new MissingKeyError(
      `${label}: ${path}: no document of ${file.docs.length} has ${wanted} (document:)`,
    );
  }
  const steps = file.docs.map(
    (_, i): Step =>
      chosen[i] ? walk(file, i, segments) : { ok: false, reason: 'not selected by document:' },
  );
  const found = steps.flatMap((step) => (step.ok ? [step.located] : []));
  if (found.length === 1) return found[0]!;
  if (found.length > 1) {
    const lines = found.map((f) => where(file, f.node.range?.[0] ?? 0));
    throw new ValidationError(
      `${file.path}: ${path}: found in ${found.length} documents (${lines.join(', ')}); expected one`,
    );
  }
  const reasons = steps.map((step) => (step.ok ? '' : step.reason));
  const detail =
    file.docs.length === 1 ? reasons[0] : reasons.map((r, i) => `document ${i + 1}: ${r}`).join('; ');
  const missing = steps.every((step) => !step.ok && step.missing === true);
  throw new (missing ? MissingKeyError : ValidationError)(`${label}: ${path}: not found: ${detail}`);
}

/** The key path is not in the file (as opposed to being there with the wrong kind of value). */
export class MissingKeyError extends ValidationError {}

export function selected(file: YamlFile, docIndex: number, filter: DocumentFilter): boolean {
  return filter.every(({ segments, value }) => {
    const step = walk(file, docIndex, segments);
    return step.ok && isScalar(step.located.node) && scalarText(step.located.node) === value;
  });
}

/**
 * A scalar's text as written (`1.20` stays "1.20", not the number 1.2): what kustomize and
 * Argo CD read into their string fields, and what a version is.
 */
export function scalarText(node: Scalar): string {
  return typeof node.value === 'string' ? node.value : (node.source ?? String(node.value));
}

/**
 * The node at `segments`, which must be a one-line scalar: a version. A mapping, a list, an
 * alias, a block scalar or a value spanning lines is refused with a hint where to point instead.
 */
export function resolveScalar(
  file: YamlFile,
  segments: readonly KeySegment[],
  filter: DocumentFilter = [],
): Located & { node: Scalar; value: string } {
  const located = resolvePath(file, segments, filter);
  const path = formatKeyPath(segments);
  const at = where(file, located.node?.range?.[0] ?? located.pair?.key?.range?.[0] ?? 0);
  return {
    ...located,
    node: versionScalar(located.node, at, path),
    value: scalarText(located.node as Scalar),
  };
}

/** `node` when it can hold a version; otherwise a ValidationError that says what it is and where to point. */
export function versionScalar(node: Node | null | undefined, at: string, path: string): Scalar {
  if (!isScalar(node) || node.value === null) {
    const hint = isMap(node)
      ? `; point \`key:\` at the scalar inside it (e.g. ${path}.${keysOf(node)[0] ?? 'tag'})`
      : isSeq(node)
        ? `; point \`key:\` at one item (e.g. ${path}[0] or ${path}[name=…])`
        : '';
    throw new ValidationError(`${at}: ${path}: expected a scalar value, found ${describeNode(node)}${hint}`);
  }
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    throw new ValidationError(
      `${at}: ${path}: expected a one-line version, found a block scalar (${node.type === 'BLOCK_LITERAL' ? '|' : '>'}); ` +
        `if the tag is inside this block, point \`key:\` into it with \`in: ${path}\` (e.g. in: ${path}, key: image.tag)`,
    );
  }
  const text = scalarText(node);
  if (/[\r\n]/.test(text) || text.trim() === '') {
    throw new ValidationError(`${at}: ${path}: expected a one-line version, found ${JSON.stringify(text)}`);
  }
  return node;
}
