import { isMap, type Node, type YAMLMap } from 'yaml';
import { ValidationError } from '../errors.ts';
import { columnOf, endOf, freshScalar, lineEndAfter, type TextEdit } from './edits.ts';
import { formatKeyPath, type KeySegment } from './key-path.ts';
import { type DocumentFilter, describeNode, MissingKeyError, resolvePath, selected } from './resolve.ts';
import { where, type YamlFile } from './yaml-file.ts';

/**
 * Adds a missing key path with its value, creating the mappings it needs at the end of the
 * deepest mapping that exists, in that mapping's indentation (an override file that inherits
 * the key from a base values file until now). An empty or comment-only file gets the path at
 * its end. Only the missing tail may be created, and only of plain keys.
 */
export function insertPath(
  file: YamlFile,
  segments: readonly KeySegment[],
  value: string,
  filter: DocumentFilter = [],
): TextEdit {
  const path = formatKeyPath(segments);
  const text = file.text;
  if (file.docs.length === 0 || (file.docs.length === 1 && file.docs[0]!.contents === null)) {
    const lead = text === '' || /\n$/.test(text) ? '' : file.eol;
    return { start: text.length, end: text.length, insert: lead + block(file, segments, value, 0, 2) };
  }
  let depth = segments.length - 1;
  let parent: YAMLMap<Node, Node | null> | undefined;
  for (; depth >= 0; depth--) {
    if (depth === 0) {
      const roots = file.docs.filter((_, i) => selected(file, i, filter));
      if (roots.length !== 1) {
        throw new ValidationError(
          `${file.path}: ${path}: not found, and ${roots.length} documents could take it; select one with \`document:\``,
        );
      }
      parent = roots[0]!.contents as YAMLMap<Node, Node | null>;
      break;
    }
    try {
      const located = resolvePath(file, segments.slice(0, depth), filter);
      parent = located.node as YAMLMap<Node, Node | null>;
      if (!isMap(parent)) {
        throw new ValidationError(
          `${where(file, located.node?.range?.[0] ?? 0)}: ${path}: cannot add "${formatKeyPath(segments.slice(depth))}": ${formatKeyPath(segments.slice(0, depth))} is ${describeNode(located.node)}, not a mapping`,
        );
      }
      break;
    } catch (error) {
      if (!(error instanceof MissingKeyError)) throw error;
    }
  }
  if (!isMap(parent)) {
    throw new ValidationError(
      `${file.path}: ${path}: cannot add it: the document is ${describeNode(parent)}, not a mapping`,
    );
  }
  const rest = segments.slice(depth);
  if (rest.some((s) => s.kind !== 'key'))
    throw new ValidationError(
      `${file.path}: ${path}: not found, and only missing keys can be added, not list items`,
    );
  if (parent.flow) {
    const close = text.lastIndexOf('}', parent.range![1]);
    const body = flow(rest, value);
    return { start: close, end: close, insert: parent.items.length ? `, ${body}` : body };
  }
  const first = parent.items[0];
  const last = parent.items[parent.items.length - 1];
  if (!first || !last)
    throw new ValidationError(
      `${where(file, parent.range![0])}: ${path}: cannot add to an empty block mapping`,
    );
  const indent = columnOf(text, (first.key as Node).range![0]);
  const at = lineEndAfter(text, endOf(last));
  const lead = at === text.length && !text.endsWith('\n') ? file.eol : '';
  const lines = block(file, rest, value, indent, stepOf(file, parent, indent));
  return {
    start: at,
    end: at,
    insert: lead + (lead ? lines.replace(new RegExp(`${file.eol}$`), '') : lines),
  };
}

function block(
  file: YamlFile,
  segments: readonly KeySegment[],
  value: string,
  indent: number,
  step: number,
): string {
  return segments
    .map((s, i) => {
      const key = keyText((s as { key: string }).key);
      const pad = ' '.repeat(indent + i * step);
      return i === segments.length - 1 ? `${pad}${key}: ${freshScalar(value, false)}` : `${pad}${key}:`;
    })
    .map((line) => line + file.eol)
    .join('');
}

function flow(segments: readonly KeySegment[], value: string): string {
  const [head, ...tail] = segments as readonly { key: string }[];
  const inner = tail.length ? `{${flow(tail as KeySegment[], value)}}` : freshScalar(value, true);
  return `${keyText(head!.key)}: ${inner}`;
}

function keyText(key: string): string {
  return freshScalar(key, true) === key && !key.includes(':') ? key : JSON.stringify(key);
}

/** The file's indentation step, from the parent's first nested block mapping (2 if none). */
function stepOf(file: YamlFile, parent: YAMLMap<Node, Node | null>, indent: number): number {
  for (const pair of parent.items) {
    const value = pair.value;
    if (isMap(value) && !value.flow && value.items[0]) {
      const step = columnOf(file.text, (value.items[0].key as Node).range![0]) - indent;
      if (step > 0) return step;
    }
  }
  return 2;
}
