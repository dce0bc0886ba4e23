/**
 * Version selection as a fixpoint: pick each reached slug's highest version meeting the ranges on it, walk the
 * dependencies those versions declare, and repeat until the picks no longer change. No backtracking: a flat,
 * single-version install where the highest acceptable version wins, as the brief for the resolver specifies.
 */

import { compareSlugs } from "./adjacency.ts";
import { type CatalogueIndex, highestSatisfying } from "./catalogue.ts";
import type { Requirement } from "./types.ts";

export interface Selection {
  /** Slugs reached from the root through selected versions, breadth first: chains are the shortest. */
  reached: string[];
  requirements: ReadonlyMap<string, readonly Requirement[]>;
  /** The version picked for each reached slug; undefined when no version satisfies its requirements. */
  versions: ReadonlyMap<string, string | undefined>;
  /** Slugs whose pick still changed when the rounds ran out, with the requirements seen in the last two rounds. */
  unsettled: ReadonlyMap<string, readonly Requirement[]>;
}

export interface SelectionRequest {
  slug: string;
  range: string;
  installed: ReadonlyMap<string, string>;
}

type Picks = ReadonlyMap<string, string | undefined>;

export function selectVersions(index: CatalogueIndex, request: SelectionRequest): Selection {
  const pick = (slug: string, requirements: readonly Requirement[] = []) =>
    request.installed.get(slug) ??
    highestSatisfying(
      index.versionsOf(slug),
      requirements.map((requirement) => requirement.range),
    );

  /** One breadth-first walk using `previous` picks; a slug seen for the first time is picked from what is known. */
  const walk = (previous: Picks): Omit<Selection, "unsettled"> => {
    const requirements = new Map<string, Requirement[]>([[request.slug, [{ range: request.range, chain: [] }]]]);
    const chains = new Map<string, string[]>([[request.slug, []]]);
    const versions = new Map<string, string | undefined>();
    const reached = [request.slug];
    // `reached` grows while it is iterated: that is the breadth-first queue.
    for (const slug of reached) {
      const version = previous.has(slug) ? previous.get(slug) : pick(slug, requirements.get(slug));
      versions.set(slug, version);
      if (version === undefined) continue;
      const chain = [...(chains.get(slug) ?? []), slug];
      for (const dependency of index.dependenciesOf(slug, version)) {
        const onSlug = requirements.get(dependency.name) ?? [];
        onSlug.push({ range: dependency.version, chain });
        requirements.set(dependency.name, onSlug);
        if (chains.has(dependency.name)) continue;
        chains.set(dependency.name, chain);
        reached.push(dependency.name);
      }
    }
    return { reached, requirements, versions };
  };

  // Picks are a function of the previous picks alone, so a repeated state means the rounds would cycle forever.
  // The round limit only guards against a very long non-repeating run; most catalogues settle in two rounds.
  const seen = new Set<string>();
  const maxRounds = index.size + 2;
  let previous: Picks = new Map();
  let last: Omit<Selection, "unsettled"> | undefined;
  for (let round = 0; ; round++) {
    const current = walk(previous);
    const next = new Map(current.reached.map((slug) => [slug, pick(slug, current.requirements.get(slug))]));
    const changed = current.reached.filter((slug) => next.get(slug) !== current.versions.get(slug));
    if (changed.length === 0) return { ...current, unsettled: new Map() };
    const state = stateKey(next);
    if (seen.has(state) || round >= maxRounds) {
      return { ...current, unsettled: new Map(changed.map((slug) => [slug, requirementsSeen(slug, current, last)])) };
    }
    seen.add(state);
    last = current;
    previous = next;
  }
}

function stateKey(picks: Picks): string {
  return JSON.stringify([...picks].sort(([a], [b]) => compareSlugs(a, b)));
}

function requirementsSeen(
  slug: string,
  current: Omit<Selection, "unsettled">,
  last: Omit<Selection, "unsettled"> | undefined,
): Requirement[] {
  const all = [...(current.requirements.get(slug) ?? []), ...(last?.requirements.get(slug) ?? [])];
  const byKey = new Map(all.map((requirement) => [JSON.stringify(requirement), requirement]));
  return [...byKey.values()];
}
