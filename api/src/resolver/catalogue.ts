/** The catalogue indexed for resolution: each slug's valid versions, highest first, and the entry behind each. */
import semver from "semver";
import type { Catalogue, CatalogueEntry } from "./types.ts";

export interface CatalogueIndex {
  /** Versions of `slug` that parse as semver, highest first; empty when the slug is not in the catalogue. */
  versionsOf(slug: string): readonly string[];
  /** Dependencies of one version; none when that version is not in the catalogue (an installed version may not be). */
  dependenciesOf(slug: string, version: string): CatalogueEntry["dependencies"];
  /** Number of versions across the catalogue: the scale of the fixpoint's round limit. */
  size: number;
}

interface Versions {
  descending: string[];
  /** Keyed by the normalised version, so that `v1.0.0` and `1.0.0` name the same entry. */
  entries: Map<string, CatalogueEntry>;
}

export function indexCatalogue(catalogue: Catalogue): CatalogueIndex {
  const bySlug = new Map<string, Versions>();
  let size = 0;
  for (const [slug, entries] of catalogue) {
    const versions: Versions = { descending: [], entries: new Map() };
    for (const entry of entries) {
      const normal = semver.valid(entry.version);
      // A version that does not parse cannot be compared or matched; the registry's manifest schema rejects it anyway.
      if (normal === null || versions.entries.has(normal)) continue;
      versions.entries.set(normal, entry);
      versions.descending.push(entry.version);
    }
    versions.descending.sort(semver.rcompare);
    size += versions.descending.length;
    bySlug.set(slug, versions);
  }
  return {
    versionsOf: (slug) => bySlug.get(slug)?.descending ?? [],
    dependenciesOf: (slug, version) =>
      bySlug.get(slug)?.entries.get(semver.valid(version) ?? version)?.dependencies ?? [],
    size,
  };
}

/**
 * The highest of `descending` that satisfies every range, with semver's defaults: a prerelease matches only a
 * range that names a prerelease of the same major.minor.patch, and an invalid range matches nothing.
 */
export function highestSatisfying(descending: readonly string[], ranges: readonly string[]): string | undefined {
  return descending.find((version) => ranges.every((range) => semver.satisfies(version, range)));
}
