import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { ConfigIssue } from '../errors.ts';

/** A position in a source file, 1-based. */
export interface Loc {
  file: string;
  line: number;
  column: number;
}

/**
 * A YAML value with the source position of every node, aliases expanded. Configuration
 * errors are reported against it, also after `extends:` merged several files together.
 */
export type Tree =
  | { kind: 'map'; loc: Loc; entries: Map<string, { keyLoc: Loc; value: Tree }> }
  | { kind: 'seq'; loc: Loc; items: Tree[] }
  | { kind: 'scalar'; loc: Loc; value: unknown };

/** Nodes that aliases may materialise in one document; beyond it the file is an alias bomb. */
export const MAX_ALIAS_NODES = 10_000;

export type Parsed = { ok: true; tree: Tree } | { ok: false; issues: ConfigIssue[] };

class TreeBuildError extends Error {
  readonly loc: Loc;
  constructor(loc: Loc, message: string) {
    super(message);
    this.loc = loc;
  }
}

/** Parses one YAML document into a located tree; YAML-level problems become issues. */
export function parseYamlTree(file: string, text: string): Parsed {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number): Loc => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => ({
        ...at(e.pos[0]),
        path: '',
        message: yamlMessage(e, text.slice(e.pos[0], e.pos[0] + 200)),
      })),
    };
  }
  let aliasNodes = 0;
  const expanding = new Set<Node>();
  // The alias in the document body whose expansion is under way: where a bomb is reported.
  let outerAlias: Loc | undefined;
  const build = (node: unknown, fallback: Loc, viaAlias: boolean): Tree => {
    if (node === null || node === undefined) return { kind: 'scalar', loc: fallback, value: null };
    if (viaAlias && ++aliasNodes > MAX_ALIAS_NODES) {
      throw new TreeBuildError(
        outerAlias ?? fallback,
        `aliases expand to more than ${MAX_ALIAS_NODES} nodes; refusing (alias bomb?)`,
      );
    }
    if (isAlias(node)) {
      const loc = at(node.range?.[0] ?? 0);
      const target = node.resolve(doc);
      if (!target) throw new TreeBuildError(loc, `unknown alias *${node.source}`);
      if (expanding.has(target)) throw new TreeBuildError(loc, `alias *${node.source} refers to itself`);
      expanding.add(target);
      const outermost = outerAlias === undefined;
      if (outermost) outerAlias = loc;
      try {
        const value = build(target, loc, true);
        return { ...value, loc } as Tree;
      } finally {
        expanding.delete(target);
        if (outermost) outerAlias = undefined;
      }
    }
    const loc = at((node as Node).range?.[0] ?? 0);
    if (isScalar(node)) return { kind: 'scalar', loc, value: node.value };
    if (isSeq(node)) return { kind: 'seq', loc, items: node.items.map((item) => build(item, loc, viaAlias)) };
    if (isMap(node)) {
      const entries = new Map<string, { keyLoc: Loc; value: Tree }>();
      const merged: Tree[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        const keyLoc = keyNode?.range ? at(keyNode.range[0]) : loc;
        if (!isScalar(keyNode)) throw new TreeBuildError(keyLoc, 'keys must be plain scalars');
        const key = String(keyNode.value);
        const value = build(pair.value, keyLoc, viaAlias);
        if (key === '<<' && keyNode.type === 'PLAIN') merged.push(value);
        else entries.set(key, { keyLoc, value });
      }
      // YAML merge keys (`<<: *defaults`): explicit keys win, then earlier sources win.
      for (const source of merged.flatMap((m) => (m.kind === 'seq' ? m.items : [m]))) {
        if (source.kind !== 'map')
          throw new TreeBuildError(source.loc, '`<<` must merge a mapping or a list of mappings');
        for (const [key, entry] of source.entries) if (!entries.has(key)) entries.set(key, entry);
      }
      return { kind: 'map', loc, entries };
    }
    throw new TreeBuildError(loc, 'unsupported YAML node');
  };
  try {
    return { ok: true, tree: build(doc.contents, at(0), false) };
  } catch (error) {
    if (error instanceof TreeBuildError)
      return { ok: false, issues: [{ ...error.loc, path: '', message: error.message }] };
    throw error;
  }
}

function yamlMessage(error: { code: string; message: string }, source: string): string {
  if (error.code === 'DUPLICATE_KEY') {
    const key = /^\s*("[^"\n]*"|'[^'\n]*'|[^:\n]*?)\s*:/.exec(source)?.[1];
    return `duplicate key${key ? ` ${key}` : ''}: each key may appear once in a mapping`;
  }
  // The library appends a code excerpt after the first line; our callers print their own position.
  return `invalid YAML: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`;
}

/** The plain JavaScript value of a tree (what the schema validates). */
export function toPlain(tree: Tree): unknown {
  switch (tree.kind) {
    case 'scalar':
      return tree.value;
    case 'seq':
      return tree.items.map(toPlain);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [key, entry] of tree.entries) out[key] = toPlain(entry.value);
      return out;
    }
  }
}

/**
 * The position of a field path: the key itself when `at` is `key`, else the value. A path that
 * does not exist (a missing field) resolves to its deepest existing ancestor.
 */
export function locate(tree: Tree, path: readonly PropertyKey[], at: 'key' | 'value' = 'value'): Loc {
  let node = tree;
  let loc = tree.loc;
  for (const [i, segment] of path.entries()) {
    const last = i === path.length - 1;
    if (node.kind === 'map' && typeof segment === 'string') {
      const entry = node.entries.get(segment);
      if (!entry) return loc;
      loc = last && at === 'key' ? entry.keyLoc : entry.value.loc;
      node = entry.value;
    } else if (node.kind === 'seq' && typeof segment === 'number') {
      const item = node.items[segment];
      if (!item) return loc;
      loc = item.loc;
      node = item;
    } else {
      return loc;
    }
  }
  return loc;
}

/** `apps.web.artifacts[0].kind` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      out += /^[A-Za-z_][\w-]*$/.test(key) ? (out ? `.${key}` : key) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}
