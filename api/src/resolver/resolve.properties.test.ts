import fc from "fast-check";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { problemMessage } from "./messages.ts";
import { resolveDependencies } from "./resolve.ts";
import type { Catalogue, CatalogueEntry, ResolvedPlugin } from "./types.ts";

const runs = { numRuns: 200 };

const slugs = (maxLength: number) => fc.uniqueArray(fc.stringMatching(/^[a-z]{1,2}$/), { minLength: 1, maxLength });

/** The same entries, with the Map built in the given order of slugs. */
function catalogueOf(entries: readonly CatalogueEntry[], slugOrder: readonly string[]): Catalogue {
  return new Map(slugOrder.map((slug) => [slug, entries.filter((entry) => entry.slug === slug)]));
}

/** A range of the given form that `version` satisfies. */
function rangeMatching(form: number, version: string): string {
  const [major, minor] = version.split(".");
  return [version, `^${version}`, `~${version}`, `>=${version}`, "*", `${major}.x`, `${major}.${minor}.x`][form] ?? "*";
}

/** One version per slug; a dependent always comes earlier in `nodes` than its dependencies, so there is no cycle. */
const singleVersionCatalogue = slugs(12).chain((nodes) =>
  fc.record({
    nodes: fc.constant(nodes),
    versions: fc.array(
      fc.tuple(fc.nat(3), fc.nat(5), fc.nat(5)).map((parts) => parts.join(".")),
      { minLength: nodes.length, maxLength: nodes.length },
    ),
    edges: fc.array(fc.tuple(fc.nat(nodes.length - 1), fc.nat(nodes.length - 1), fc.nat(6)), { maxLength: 30 }),
    insertionOrder: fc.shuffledSubarray(nodes, { minLength: nodes.length, maxLength: nodes.length }),
  }),
);

/**
 * Up to three versions per slug; dependencies mostly on later slugs, sometimes on any (so cycles occur); ranges
 * mostly satisfiable. Weighted so that a fair share of runs resolves and the picks themselves get checked.
 */
const multiVersionCatalogue = slugs(8).chain((nodes) => {
  const version = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom("1.0.0", "1.1.0", "1.2.0") },
    { weight: 1, arbitrary: fc.constantFrom("2.0.0", "2.1.0-beta.1") },
  );
  const range = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("*", "^1.0.0", ">=1.0.0") },
    { weight: 3, arbitrary: fc.constantFrom("^1.1.0", "<1.2.0", "~1.0.0") },
    { weight: 1, arbitrary: fc.constantFrom("^2.0.0", "^2.1.0-beta.0", "^3.0.0") },
  );
  const dependencies = (index: number): fc.Arbitrary<CatalogueEntry["dependencies"]> => {
    const later = nodes.slice(index + 1);
    const any = fc.record({ name: fc.constantFrom(...nodes), version: range });
    if (later.length === 0)
      return fc.oneof(
        { weight: 9, arbitrary: fc.constant<CatalogueEntry["dependencies"]>([]) },
        fc.array(any, { maxLength: 1 }),
      );
    const forward = fc.record({ name: fc.constantFrom(...later), version: range });
    // The root always needs something, or most runs would resolve to the root alone.
    return fc.array(fc.oneof({ weight: 12, arbitrary: forward }, any), {
      minLength: index === 0 ? 1 : 0,
      maxLength: 3,
    });
  };
  const versionsOfSlug = (slug: string, index: number): fc.Arbitrary<CatalogueEntry[]> =>
    fc.array(fc.record({ slug: fc.constant(slug), version, dependencies: dependencies(index) }), {
      minLength: 1,
      maxLength: 3,
    });
  return fc.record({
    nodes: fc.constant(nodes),
    entries: fc.tuple(...nodes.map(versionsOfSlug)).map((lists) => lists.flat()),
    range: fc.option(fc.constantFrom("^1.0.0", "<2.0.0"), { nil: undefined }),
    installed: fc
      .option(fc.tuple(fc.constantFrom(...nodes), version), { nil: undefined, freq: 3 })
      .map((pair) => new Map(pair ? [pair] : [])),
  });
});

function versionsOf(entries: readonly CatalogueEntry[], slug: string): string[] {
  return [...new Set(entries.filter((entry) => entry.slug === slug).map((entry) => entry.version))];
}

/** Every range the resolved plugins (and the request, on the root) put on `slug`. */
function rangesOn(slug: string, order: readonly ResolvedPlugin[], root: string, range: string | undefined): string[] {
  const fromPlugins = order.flatMap((plugin) =>
    plugin.dependencies.filter((dependency) => dependency.name === slug).map((dependency) => dependency.range),
  );
  return slug === root ? [range ?? "*", ...fromPlugins] : fromPlugins;
}

describe("resolveDependencies, on random catalogues", () => {
  it("resolves any acyclic single-version catalogue whose ranges all match: the root's closure, dependencies first", () => {
    fc.assert(
      fc.property(singleVersionCatalogue, ({ nodes, versions, edges, insertionOrder }) => {
        const versionOf = new Map(nodes.map((slug, index) => [slug, versions[index] ?? "1.0.0"]));
        const entries: CatalogueEntry[] = nodes.map((slug, index) => ({
          slug,
          version: versionOf.get(slug) ?? "",
          dependencies: edges
            .filter(([i, j]) => Math.min(i, j) === index && i !== j)
            .map(([i, j, form]) => {
              const name = nodes[Math.max(i, j)] ?? "";
              return { name, version: rangeMatching(form, versionOf.get(name) ?? "") };
            }),
        }));
        const root = nodes[0] ?? "";
        const resolution = resolveDependencies(catalogueOf(entries, nodes), { slug: root });

        const closure = new Set([root]);
        for (const slug of closure) {
          for (const dependency of entries.find((entry) => entry.slug === slug)?.dependencies ?? []) {
            closure.add(dependency.name);
          }
        }
        if (!resolution.ok) throw new Error(JSON.stringify(resolution.problems));
        const order = resolution.order.map((plugin) => plugin.slug);
        expect([...order].sort()).toEqual([...closure].sort());
        expect(order.at(-1)).toBe(root);
        for (const plugin of resolution.order) {
          expect(plugin.version).toBe(versionOf.get(plugin.slug));
          for (const dependency of plugin.dependencies) {
            expect(order.indexOf(dependency.name)).toBeLessThan(order.indexOf(plugin.slug));
          }
        }
        expect(resolveDependencies(catalogueOf(entries, nodes), { slug: root })).toEqual(resolution);
        expect(resolveDependencies(catalogueOf(entries, insertionOrder), { slug: root })).toEqual(resolution);
      }),
      runs,
    );
  });

  it("either returns installable picks, each the highest its dependents allow, or names at least one problem", () => {
    fc.assert(
      fc.property(multiVersionCatalogue, ({ nodes, entries, range, installed }) => {
        const root = nodes[0] ?? "";
        const request = { slug: root, range, installed };
        const resolution = resolveDependencies(catalogueOf(entries, nodes), request);
        expect(resolveDependencies(catalogueOf(entries, [...nodes].reverse()), request)).toEqual(resolution);

        if (!resolution.ok) {
          expect(resolution.problems.length).toBeGreaterThan(0);
          for (const problem of resolution.problems) expect(problemMessage(problem)).not.toBe("");
          return;
        }
        const order = resolution.order.map((plugin) => plugin.slug);
        expect(new Set(order).size).toBe(order.length);
        expect(order.at(-1)).toBe(root);
        for (const plugin of resolution.order) {
          const fixed = installed.get(plugin.slug);
          expect(plugin.installed).toBe(fixed !== undefined);
          if (fixed !== undefined) expect(plugin.version).toBe(fixed);
          else expect(versionsOf(entries, plugin.slug)).toContain(plugin.version);
          for (const dependency of plugin.dependencies) {
            const picked = resolution.order.find((other) => other.slug === dependency.name);
            expect(picked && semver.satisfies(picked.version, dependency.range)).toBe(true);
            expect(order.indexOf(dependency.name)).toBeLessThan(order.indexOf(plugin.slug));
          }
          const ranges = rangesOn(plugin.slug, resolution.order, root, range);
          if (plugin.slug !== root) expect(ranges.length).toBeGreaterThan(0);
          if (fixed === undefined) {
            // Each range on its own terms: a dependent asking for "*" has not opted in to prereleases.
            const better = versionsOf(entries, plugin.slug).filter(
              (version) => semver.gt(version, plugin.version) && ranges.every((r) => semver.satisfies(version, r)),
            );
            expect(better).toEqual([]);
          }
        }
      }),
      runs,
    );
  });
});
