import { isAlias, isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
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
  return map.items.map((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key));
}

export function pairOf(map: YAMLMap<Node, Node | null>, key: string): Pair<Node, Node | null> | undefined {
  return map.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === key);
}

type Step = { ok: true; located: Located } | { ok: false; reason: string };

/** Follows a key path in one document. */
function walk(file: YamlFile, docIndex: number, segments: readonly KeySegment[]): Step {
  const doc = file.docs[docIndex]!;
  let current: Located = { doc: docIndex, node: doc.contents as Node };
  for (const [i, segment] of segments.entries()) {
    const node = current.node;
    const soFar = i === 0 ? 'the document' : formatKeyPath(segments.slice(0, i));
    if (isAlias(node))
      return { ok: false, reason: `${soFar} is an alias (*${node.source}); edit the anchored value instead` };
    if (segment.kind === 'key') {
      if (!isMap(node)) return { ok: false, reason: `${soFar} is ${describeNode(node)}, not a mapping` };
      const map = node as YAMLMap<Node, Node | null>;
      const pair = pairOf(map, segment.key);
      if (!pair)
        return {
          ok: false,
          reason: `${soFar} has no key "${segment.key}" (it has ${describeNode(node).replace(/^a mapping with /, '')})`,
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
          return isScalar(field) && String(field.value) === segment.value;
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
export function resolvePath(file: YamlFile, segments: readonly KeySegment[]): Located {
  const path = formatKeyPath(segments);
  if (file.docs.length === 0) throw new ValidationError(`${file.path}: ${path}: the file is empty`);
  const steps = file.docs.map((_, i) => walk(file, i, segments));
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
  throw new ValidationError(`${file.path}: ${path}: not found: ${detail}`);
}

/** The node at `segments`, which must be a scalar (not a mapping, list or alias). */
export function resolveScalar(file: YamlFile, segments: readonly KeySegment[]): Located & { value: string } {
  const located = resolvePath(file, segments);
  const node = located.node;
  if (!isScalar(node) || node.value === null) {
    const path = formatKeyPath(segments);
    const at = where(file, node?.range?.[0] ?? located.pair?.key?.range?.[0] ?? 0);
    throw new ValidationError(`${at}: ${path}: expected a scalar value, found ${describeNode(node)}`);
  }
  return { ...located, value: String(node.value) };
}
