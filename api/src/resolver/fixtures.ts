/** Test fixtures: catalogues written as `{ "slug@version": { dependency: range } }`, and a short form of results. */
import type { Catalogue, CatalogueEntry, Resolution } from "./types.ts";

export function givenCatalogue(plugins: Record<string, Record<string, string>>): Catalogue {
  const catalogue = new Map<string, CatalogueEntry[]>();
  for (const [key, dependencies] of Object.entries(plugins)) {
    const at = key.indexOf("@");
    const slug = key.slice(0, at);
    const entry: CatalogueEntry = {
      slug,
      version: key.slice(at + 1),
      dependencies: Object.entries(dependencies).map(([name, version]) => ({ name, version })),
    };
    catalogue.set(slug, [...(catalogue.get(slug) ?? []), entry]);
  }
  return catalogue;
}

/** `["core-utils@1.2.0", "stripe-gateway@1.0.0"]`, or the problems when resolution failed. */
export function installOrder(resolution: Resolution): string[] {
  if (!resolution.ok) throw new Error(`expected a resolution, got ${JSON.stringify(resolution.problems)}`);
  return resolution.order.map((plugin) => `${plugin.slug}@${plugin.version}`);
}
