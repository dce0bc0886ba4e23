/** Resolution of a plugin's dependencies for one tenant: versions picked, problems found, install order. */
import { indexCatalogue } from "./catalogue.ts";
import { selectVersions } from "./fixpoint.ts";
import { topologicalOrder } from "./graph.ts";
import { selectionProblems, sortProblems } from "./problems.ts";
import type { Catalogue, Edge, Resolution, ResolutionProblem, ResolvedPlugin, ResolveRequest } from "./types.ts";

/**
 * Picks one version per slug reachable from `request.slug` (the highest meeting every range on it; installed
 * versions stay as they are) and returns them dependencies first, the root last. On failure, every problem found:
 * missing plugins or versions, clashing ranges with the chain behind each, and cycles.
 *
 * @example
 * const catalogue = new Map([
 *   ["stripe-gateway", [{ slug: "stripe-gateway", version: "1.0.0", dependencies: [{ name: "core-utils", version: "^1.0.0" }] }]],
 *   ["core-utils", [1, 2, 3].map((minor) => ({ slug: "core-utils", version: `1.${minor}.0`, dependencies: [] }))],
 * ]);
 * resolveDependencies(catalogue, { slug: "stripe-gateway" });
 * // { ok: true, order: [{ slug: "core-utils", version: "1.3.0", ... }, { slug: "stripe-gateway", version: "1.0.0", ... }] }
 */
export function resolveDependencies(catalogue: Catalogue, request: ResolveRequest): Resolution {
  const index = indexCatalogue(catalogue);
  const installed = request.installed ?? new Map<string, string>();
  const selection = selectVersions(index, { slug: request.slug, range: request.range ?? "*", installed });

  const plugins = new Map<string, ResolvedPlugin>();
  for (const slug of selection.reached) {
    const version = selection.versions.get(slug);
    if (version === undefined) continue;
    const dependencies = index
      .dependenciesOf(slug, version)
      .map((dependency) => ({ name: dependency.name, range: dependency.version }));
    plugins.set(slug, { slug, version, dependencies, installed: installed.get(slug) === version });
  }
  // Edges to a slug without a version are left out: that slug already has its own problem.
  const edges: Edge[] = [...plugins.values()].flatMap((plugin) =>
    plugin.dependencies
      .filter((dependency) => plugins.has(dependency.name))
      .map((dependency) => [plugin.slug, dependency.name] as const),
  );
  const { order, cycles } = topologicalOrder([...plugins.keys()], edges);

  const problems: ResolutionProblem[] = [
    ...selectionProblems(index, selection, installed),
    ...cycles.map((cycle) => ({ code: "DEPENDENCY_CYCLE" as const, cycle })),
  ];
  if (problems.length > 0) return { ok: false, problems: sortProblems(problems) };
  return { ok: true, order: order.flatMap((slug) => plugins.get(slug) ?? []) };
}
