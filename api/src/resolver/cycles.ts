/** Cycles in a dependency graph: Tarjan's strongly connected components, each reported as one closed path. */
import { type Adjacency, compareSlugs } from "./adjacency.ts";

/** Tarjan's algorithm, iterative so that a long dependency chain cannot overflow the Worker's stack. */
export function stronglyConnectedComponents(graph: Adjacency): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const lowOf = (node: string) => low.get(node) ?? 0;
  const visit = (node: string) => {
    const order = index.size;
    index.set(node, order);
    low.set(node, order);
    stack.push(node);
    onStack.add(node);
  };

  for (const root of graph.nodes) {
    if (index.has(root)) continue;
    visit(root);
    const frames = [{ node: root, next: 0 }];
    for (let frame = frames.at(-1); frame !== undefined; frame = frames.at(-1)) {
      const successor = graph.dependencies.get(frame.node)?.[frame.next];
      frame.next += 1;
      if (successor !== undefined) {
        if (!index.has(successor)) {
          visit(successor);
          frames.push({ node: successor, next: 0 });
        } else if (onStack.has(successor)) {
          low.set(frame.node, Math.min(lowOf(frame.node), index.get(successor) ?? 0));
        }
        continue;
      }
      frames.pop();
      const parent = frames.at(-1);
      if (parent) low.set(parent.node, Math.min(lowOf(parent.node), lowOf(frame.node)));
      if (lowOf(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
        onStack.delete(member);
        component.push(member);
        if (member === frame.node) break;
      }
      components.push(component.sort(compareSlugs));
    }
  }
  return components;
}

/** Shortest path (excluding `from`) to the first node `isTarget` accepts, staying inside `within`. */
function shortestPath(
  graph: Adjacency,
  from: string,
  within: ReadonlySet<string>,
  isTarget: (node: string) => boolean,
): string[] {
  const cameFrom = new Map<string, string>([[from, from]]);
  const queue = [from];
  for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
    for (const next of graph.dependencies.get(node) ?? []) {
      if (!within.has(next)) continue;
      // Tested before `cameFrom`, so that a path back to `from` itself (a cycle, a self-loop) is found.
      if (isTarget(next)) {
        const path = [next];
        for (let step = node; step !== from; step = cameFrom.get(step) ?? from) path.unshift(step);
        return path;
      }
      if (cameFrom.has(next)) continue;
      cameFrom.set(next, node);
      queue.push(next);
    }
  }
  throw new Error(`resolver: no path from ${from} inside its strongly connected component`);
}

/**
 * A closed path through every node of a strongly connected component, starting and ending at its smallest slug.
 * Covering every node (rather than the shortest cycle) means no plugin on a cycle goes unnamed; greedy nearest-next
 * keeps a simple cycle a -> b -> c -> a exactly that.
 */
function closedPath(graph: Adjacency, component: readonly string[]): string[] {
  const within = new Set(component);
  const [start = ""] = component;
  const unvisited = new Set(component.slice(1));
  const path = [start];
  while (unvisited.size > 0) {
    const leg = shortestPath(graph, path.at(-1) ?? start, within, (node) => unvisited.has(node));
    for (const node of leg) unvisited.delete(node);
    path.push(...leg);
  }
  path.push(...shortestPath(graph, path.at(-1) ?? start, within, (node) => node === start));
  return path;
}

/** One closed path per strongly connected component that has a cycle (self-loops included), by first slug. */
export function findCycles(graph: Adjacency): string[][] {
  return stronglyConnectedComponents(graph)
    .filter(([first = "", ...rest]) => rest.length > 0 || graph.dependencies.get(first)?.includes(first))
    .map((component) => closedPath(graph, component))
    .sort((a, b) => compareSlugs(a[0] ?? "", b[0] ?? ""));
}
