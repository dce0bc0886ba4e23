/**
 * The dependency graph around one plugin, drawn as SVG: the plugins it reaches and those reaching it,
 * in layers (a plugin above what it depends on), an arrow per dependency, red where a range is unmet.
 */
import type { DependencyGraph } from "@/lib/types";

const NODE_W = 150;
const NODE_H = 40;
const GAP_X = 24;
const GAP_Y = 56;

/** The plugins connected to `focus` through dependencies in either direction. */
function component(graph: DependencyGraph, focus: string): Set<string> {
  const seen = new Set([focus]);
  const queue = [focus];
  while (queue.length > 0) {
    const slug = queue.shift() as string;
    for (const e of graph.edges) {
      for (const [from, to] of [
        [e.from, e.to],
        [e.to, e.from],
      ] as const) {
        if (from === slug && !seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
  }
  return seen;
}

export function GraphView({ graph, focus }: { graph: DependencyGraph; focus: string }) {
  const members = component(graph, focus);
  const nodes = graph.nodes.filter((n) => members.has(n.slug));
  const edges = graph.edges.filter((e) => members.has(e.from) && members.has(e.to));
  // a plugin's layer is the longest chain of dependencies below it (the resolver refuses cycles; the guard stops one anyway)
  const depth = new Map<string, number>();
  const layerOf = (slug: string, trail: string[] = []): number => {
    const known = depth.get(slug);
    if (known !== undefined) return known;
    if (trail.includes(slug)) return 0;
    const below = edges.filter((e) => e.from === slug).map((e) => layerOf(e.to, [...trail, slug]) + 1);
    const d = Math.max(0, ...below);
    depth.set(slug, d);
    return d;
  };
  for (const n of nodes) layerOf(n.slug);
  const maxDepth = Math.max(0, ...depth.values());
  const layers: string[][] = Array.from({ length: maxDepth + 1 }, () => []);
  for (const n of [...nodes].sort((a, b) => a.slug.localeCompare(b.slug)))
    layers[maxDepth - (depth.get(n.slug) ?? 0)]?.push(n.slug);
  const widest = Math.max(1, ...layers.map((l) => l.length));
  const width = widest * NODE_W + (widest - 1) * GAP_X;
  const height = layers.length * NODE_H + (layers.length - 1) * GAP_Y;
  const position = new Map<string, { x: number; y: number }>();
  layers.forEach((layer, row) => {
    const rowWidth = layer.length * NODE_W + (layer.length - 1) * GAP_X;
    layer.forEach((slug, i) => {
      position.set(slug, { x: (width - rowWidth) / 2 + i * (NODE_W + GAP_X), y: row * (NODE_H + GAP_Y) });
    });
  });
  const stateOf = new Map(nodes.map((n) => [n.slug, n] as const));

  return (
    <figure className="flex flex-col gap-2">
      <svg
        viewBox={`-2 -2 ${width + 4} ${height + 4}`}
        className="h-auto w-full max-w-full"
        style={{ maxHeight: 360 }}
        role="img"
        aria-label={`Dependency graph of ${focus}: ${edges.map((e) => `${e.from} depends on ${e.to} ${e.range}`).join("; ") || "no dependencies"}`}
      >
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="6"
            markerHeight="6"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" className="fill-muted-foreground" />
          </marker>
        </defs>
        {edges.map((e) => {
          const a = position.get(e.from);
          const b = position.get(e.to);
          if (!a || !b) return null;
          return (
            <g key={`${e.from}-${e.to}`}>
              <line
                x1={a.x + NODE_W / 2}
                y1={a.y + NODE_H}
                x2={b.x + NODE_W / 2}
                y2={b.y}
                className={e.satisfied ? "stroke-muted-foreground" : "stroke-destructive"}
                strokeWidth={1.5}
                markerEnd="url(#arrow)"
              />
              <text
                x={(a.x + b.x + NODE_W) / 2 + 4}
                y={(a.y + NODE_H + b.y) / 2}
                className="fill-muted-foreground text-[10px]"
              >
                {e.range}
              </text>
            </g>
          );
        })}
        {[...position].map(([slug, p]) => {
          const node = stateOf.get(slug);
          return (
            <g key={slug} transform={`translate(${p.x}, ${p.y})`}>
              <rect
                width={NODE_W}
                height={NODE_H}
                rx={8}
                className={slug === focus ? "fill-primary stroke-primary" : "fill-background stroke-border"}
                strokeWidth={1.5}
              />
              <text
                x={NODE_W / 2}
                y={17}
                textAnchor="middle"
                className={`${slug === focus ? "fill-primary-foreground" : "fill-foreground"} text-[12px] font-medium`}
              >
                {slug}
              </text>
              <text
                x={NODE_W / 2}
                y={31}
                textAnchor="middle"
                className={`${slug === focus ? "fill-primary-foreground/80" : "fill-muted-foreground"} text-[10px]`}
              >
                {node?.version} · {node?.state}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="text-muted-foreground text-xs">
        An arrow points from a plugin to what it depends on.
      </figcaption>
    </figure>
  );
}
