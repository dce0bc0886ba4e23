/** Dependency graphs as edges `[dependent, dependency]`: a deterministic install order, and who depends on a plugin. */
import { adjacency, compareSlugs, insertSorted } from "./adjacency.ts";
import { findCycles } from "./cycles.ts";
import type { Edge } from "./types.ts";

/**
 * Kahn's algorithm, dependencies first, ties broken by slug so the order is deterministic (the lexicographically
 * smallest topological order). Nodes on a cycle, or depending on one, never become ready and are left out of
 * `order`; `cycles` holds one closed path per strongly connected component that has a cycle (see `findCycles`).
 *
 * @example
 * topologicalOrder(["shop", "core-utils"], [["shop", "core-utils"]]);
 * // { order: ["core-utils", "shop"], cycles: [] }
 */
export function topologicalOrder(
  nodes: readonly string[],
  edges: readonly Edge[],
): { order: string[]; cycles: string[][] } {
  const graph = adjacency(nodes, edges);
  const waiting = new Map(graph.nodes.map((node) => [node, graph.dependencies.get(node)?.length ?? 0]));
  const ready = graph.nodes.filter((node) => waiting.get(node) === 0);
  const order: string[] = [];
  for (let next = ready.shift(); next !== undefined; next = ready.shift()) {
    order.push(next);
    for (const dependent of graph.dependents.get(next) ?? []) {
      const left = (waiting.get(dependent) ?? 0) - 1;
      waiting.set(dependent, left);
      if (left === 0) insertSorted(ready, dependent);
    }
  }
  return { order, cycles: findCycles(graph) };
}

/**
 * Slugs that depend on `slug`: directly, or also transitively (the default, since deactivating `slug` breaks
 * every one of them). Sorted; `slug` itself is left out even when it lies on a cycle.
 *
 * @example
 * dependentsOf("core-utils", [["stripe-gateway", "core-utils"], ["shop", "stripe-gateway"]]);
 * // ["shop", "stripe-gateway"]
 */
export function dependentsOf(slug: string, edges: readonly Edge[], transitive = true): string[] {
  const { dependents } = adjacency([slug], edges);
  const found = new Set<string>();
  const queue = [slug];
  for (let current = queue.shift(); current !== undefined; current = queue.shift()) {
    for (const dependent of dependents.get(current) ?? []) {
      if (found.has(dependent)) continue;
      found.add(dependent);
      if (transitive) queue.push(dependent);
    }
  }
  found.delete(slug);
  return [...found].sort(compareSlugs);
}
