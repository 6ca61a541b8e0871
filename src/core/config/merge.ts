import type { Tree } from './yaml-tree.ts';

/**
 * Merges a configuration onto the one it `extends:` (the base). Deterministic rules:
 *  - mappings merge key by key, recursively; the extending file wins;
 *  - lists whose items are all mappings with a `name` (environments, metrics, images) merge
 *    by name: base order first, an item of the same name merged onto the base item, new
 *    names appended in their own order;
 *  - any other value (scalars, other lists) is replaced by the extending file's value.
 * Positions are kept, so an error in the merged result still names the file it came from.
 */
export function mergeTrees(base: Tree, over: Tree): Tree {
  if (base.kind === 'map' && over.kind === 'map') {
    const entries = new Map(base.entries);
    for (const [key, entry] of over.entries) {
      const existing = entries.get(key);
      entries.set(
        key,
        existing ? { keyLoc: entry.keyLoc, value: mergeTrees(existing.value, entry.value) } : entry,
      );
    }
    return { kind: 'map', loc: over.loc, entries };
  }
  if (base.kind === 'seq' && over.kind === 'seq' && namedItems(base) && namedItems(over)) {
    const items = [...base.items];
    for (const item of over.items) {
      const index = items.findIndex((candidate) => itemName(candidate) === itemName(item));
      if (index >= 0) items[index] = mergeTrees(items[index]!, item);
      else items.push(item);
    }
    return { kind: 'seq', loc: over.loc, items };
  }
  return over;
}

function itemName(tree: Tree): unknown {
  return tree.kind === 'map'
    ? (tree.entries.get('name')?.value as { value?: unknown } | undefined)?.value
    : undefined;
}

function namedItems(seq: Extract<Tree, { kind: 'seq' }>): boolean {
  return seq.items.every((item) => {
    const name = item.kind === 'map' ? item.entries.get('name')?.value : undefined;
    return name?.kind === 'scalar' && typeof name.value === 'string';
  });
}

/** The tree without its top-level `extends` key (a merged result does not extend anything). */
export function withoutExtends(tree: Tree): Tree {
  if (tree.kind !== 'map' || !tree.entries.has('extends')) return tree;
  const entries = new Map(tree.entries);
  entries.delete('extends');
  return { ...tree, entries };
}
