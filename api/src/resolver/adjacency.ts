/** Adjacency lists over edges `[dependent, dependency]`, sorted so that every walk over them is deterministic. */
import type { Edge } from "./types.ts";

/** Plain code-unit order: unlike `localeCompare`, it cannot vary with the runtime's ICU data. */
export function compareSlugs(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface Adjacency {
  /** Every node, sorted; endpoints of edges count as nodes even when the caller did not list them. */
  nodes: string[];
  dependencies: ReadonlyMap<string, readonly string[]>;
  dependents: ReadonlyMap<string, readonly string[]>;
}

/** Sorted, duplicate-free adjacency lists, so every walk over them is deterministic. */
export function adjacency(nodes: readonly string[], edges: readonly Edge[]): Adjacency {
  const dependencies = new Map<string, Set<string>>();
  const dependents = new Map<string, Set<string>>();
  const add = (node: string) => {
    if (!dependencies.has(node)) {
      dependencies.set(node, new Set());
      dependents.set(node, new Set());
    }
  };
  for (const node of nodes) add(node);
  for (const [dependent, dependency] of edges) {
    add(dependent);
    add(dependency);
    dependencies.get(dependent)?.add(dependency);
    dependents.get(dependency)?.add(dependent);
  }
  const sorted = (sets: Map<string, Set<string>>) =>
    new Map([...sets].map(([node, set]) => [node, [...set].sort(compareSlugs)] as const));
  return {
    nodes: [...dependencies.keys()].sort(compareSlugs),
    dependencies: sorted(dependencies),
    dependents: sorted(dependents),
  };
}

export function insertSorted(list: string[], item: string): void {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareSlugs(list[middle] ?? "", item) < 0) low = middle + 1;
    else high = middle;
  }
  list.splice(low, 0, item);
}
