/**
 * Dependency order over named nodes (environments by `after`, apps by `dependsOn`).
 * Deterministic: ties keep the input order.
 */

/** A cycle as the list of names along it (first name repeated at the end), or undefined. */
export function findCycle(
  names: readonly string[],
  edges: (name: string) => readonly string[],
): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges(node)) {
      if (!names.includes(next)) continue;
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const name of names) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Names ordered so that each comes after everything it depends on. Assumes no cycle. */
export function dependencyOrder(
  names: readonly string[],
  dependsOn: (name: string) => readonly string[],
): string[] {
  const done = new Set<string>();
  const out: string[] = [];
  const visit = (node: string) => {
    if (done.has(node) || !names.includes(node)) return;
    done.add(node);
    for (const dep of dependsOn(node)) visit(dep);
    out.push(node);
  };
  for (const name of names) visit(name);
  return out;
}
