/** The resolver's input and output shapes, shared by its files and re-exported from `index.ts`. */

/** One published version of a plugin, as the registry lists it. */
export interface CatalogueEntry {
  slug: string;
  version: string;
  /** `version` is a semver range, as in the manifest's `dependencies`. */
  dependencies: { name: string; version: string }[];
}

/** Every available version of every plugin, by slug. */
export type Catalogue = ReadonlyMap<string, readonly CatalogueEntry[]>;

export interface ResolveRequest {
  slug: string;
  /** Which versions of the root are acceptable; default `"*"`, the highest stable version wins. */
  range?: string;
  /** slug -> version already installed for this tenant: fixed, never changed by resolution. */
  installed?: ReadonlyMap<string, string>;
}

export interface ResolvedPlugin {
  slug: string;
  version: string;
  dependencies: { name: string; range: string }[];
  /** True when the tenant already has this version, so installing it is a no-op. */
  installed: boolean;
}

/** A requirement on a slug: the range asked for and the path from the root to the dependent that asks. */
export interface Requirement {
  range: string;
  /** root -> ... -> the dependent; empty when the request itself asks. */
  chain: string[];
}

export type ResolutionProblem =
  | { code: "MISSING_DEPENDENCY"; slug: string; range: string; chain: string[]; available: string[] }
  | { code: "VERSION_CONFLICT"; slug: string; requirements: Requirement[]; installed?: string }
  | { code: "DEPENDENCY_CYCLE"; cycle: string[] };

export type ResolutionProblemCode = ResolutionProblem["code"];

export type Resolution = { ok: true; order: ResolvedPlugin[] } | { ok: false; problems: ResolutionProblem[] };

/** An edge `[dependent, dependency]`. */
export type Edge = readonly [string, string];
