import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { topologicalOrder } from "./graph.ts";
import type { Edge } from "./types.ts";

const runs = { numRuns: 200 };

/** Up to 12 distinct slugs, in no particular order, so slug order and graph shape are unrelated. */
const slugs = fc.uniqueArray(fc.stringMatching(/^[a-z]{1,2}$/), { minLength: 1, maxLength: 12 });

/** Edges between random nodes: cycles and self-loops allowed. */
const anyGraph = slugs.chain((nodes) =>
  fc.record({
    nodes: fc.constant(nodes),
    edges: fc.array(fc.tuple(fc.constantFrom(...nodes), fc.constantFrom(...nodes)), { maxLength: 30 }),
  }),
);

/** Edges only from an earlier to a later node of the list: acyclic by construction. */
const dag = slugs.chain((nodes) =>
  fc.record({
    nodes: fc.constant(nodes),
    edges: fc
      .array(fc.tuple(fc.nat(nodes.length - 1), fc.nat(nodes.length - 1)), { maxLength: 30 })
      .map((pairs) =>
        pairs
          .filter(([i, j]) => i !== j)
          .map(([i, j]): Edge => [nodes[Math.min(i, j)] ?? "", nodes[Math.max(i, j)] ?? ""]),
      ),
  }),
);

/** Nodes reachable from `from` in one or more steps, by brute force. */
function reachableFrom(from: string, edges: readonly Edge[]): Set<string> {
  const seen = new Set<string>();
  const stack = [from];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    for (const [dependent, dependency] of edges) {
      if (dependent === node && !seen.has(dependency)) {
        seen.add(dependency);
        stack.push(dependency);
      }
    }
  }
  return seen;
}

function expectDependenciesFirst(order: readonly string[], edges: readonly Edge[]): void {
  const position = new Map(order.map((node, index) => [node, index]));
  for (const [dependent, dependency] of edges) {
    if (!position.has(dependent)) continue;
    expect(position.get(dependency)).toBeLessThan(position.get(dependent) ?? -1);
  }
}

describe("topologicalOrder, on random graphs", () => {
  it("puts every dependency of a DAG before its dependent, with every node exactly once", () => {
    fc.assert(
      fc.property(dag, ({ nodes, edges }) => {
        const { order, cycles } = topologicalOrder(nodes, edges);
        expect(cycles).toEqual([]);
        expect([...order].sort()).toEqual([...nodes].sort());
        expectDependenciesFirst(order, edges);
      }),
      runs,
    );
  });

  it("reports only real closed paths, covering exactly the nodes that lie on some cycle, one path per component", () => {
    fc.assert(
      fc.property(anyGraph, ({ nodes, edges }) => {
        const { cycles } = topologicalOrder(nodes, edges);
        const edgeKeys = new Set(edges.map(([from, to]) => `${from}>${to}`));
        for (const cycle of cycles) {
          expect(cycle.length).toBeGreaterThanOrEqual(2);
          expect(cycle.at(-1)).toBe(cycle[0]);
          for (let step = 1; step < cycle.length; step++) {
            expect(edgeKeys.has(`${cycle[step - 1]}>${cycle[step]}`)).toBe(true);
          }
        }
        const onCycles = cycles.map((cycle) => new Set(cycle));
        const onSomeCycle = nodes.filter((node) => reachableFrom(node, edges).has(node));
        expect([...new Set(onCycles.flatMap((set) => [...set]))].sort()).toEqual(onSomeCycle.sort());
        // Components partition the graph, so no node may appear on two reported cycles.
        expect(onCycles.reduce((total, set) => total + set.size, 0)).toBe(onSomeCycle.length);
      }),
      runs,
    );
  });

  it("orders exactly the nodes that wait on no cycle, dependencies first", () => {
    fc.assert(
      fc.property(anyGraph, ({ nodes, edges }) => {
        const { order } = topologicalOrder(nodes, edges);
        const onSomeCycle = new Set(nodes.filter((node) => reachableFrom(node, edges).has(node)));
        const free = nodes.filter(
          (node) => !onSomeCycle.has(node) && ![...reachableFrom(node, edges)].some((next) => onSomeCycle.has(next)),
        );
        expect([...order].sort()).toEqual(free.sort());
        expectDependenciesFirst(order, edges);
      }),
      runs,
    );
  });
});
