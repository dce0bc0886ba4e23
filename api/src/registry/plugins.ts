/**
 * The catalogue of available plugins: every registered version with its validated
 * manifest. Shared by all tenants; what a tenant has is in installations.
 */

import { type PluginManifest, pluginManifestSchema, safeParseManifest } from "@digital-commerce/plugin-sdk";
import { closest } from "fastest-levenshtein";
import semver from "semver";
import { z } from "zod";
import type { GlobalDb } from "../ledger/tenant-db.ts";
import type { Catalogue } from "../resolver/index.ts";
import { RegistryError } from "./errors.ts";

const versionRow = z.object({
  slug: z.string(),
  version: z.string(),
  manifest: z.string().transform((text) => pluginManifestSchema.parse(JSON.parse(text))),
  bundle_hash: z.string().nullable(),
  registered_at: z.string(),
});
export type PluginVersion = z.infer<typeof versionRow>;

export interface RegisteredPlugin {
  slug: string;
  version: string;
  created: boolean;
}

/**
 * Adds a plugin version to the catalogue. Registering the same manifest again is
 * a no-op; a different manifest under an existing version is refused, because
 * tenants' installations point at that version.
 */
export async function registerPlugin(db: GlobalDb, input: unknown, bundleHash?: string): Promise<RegisteredPlugin> {
  const result = safeParseManifest(input);
  if (!result.ok) {
    throw new RegistryError("INVALID_MANIFEST", "The plugin manifest does not validate.", { issues: result.problems });
  }
  const { manifest } = result;
  const text = JSON.stringify(manifest);
  const existing = await db
    .prepare("SELECT manifest, bundle_hash FROM plugin_versions WHERE slug = ? AND version = ?")
    .bind(manifest.slug, manifest.version)
    .first<{ manifest: string; bundle_hash: string | null }>();
  if (existing) {
    if (existing.manifest === text && existing.bundle_hash === (bundleHash ?? null)) {
      return { slug: manifest.slug, version: manifest.version, created: false };
    }
    throw new RegistryError(
      "VERSION_EXISTS",
      `${manifest.slug}@${manifest.version} is already registered with different contents; publish a new version.`,
      { slug: manifest.slug, version: manifest.version },
    );
  }
  await db
    .prepare("INSERT INTO plugin_versions (slug, version, manifest, bundle_hash) VALUES (?, ?, ?, ?)")
    .bind(manifest.slug, manifest.version, text, bundleHash ?? null)
    .run();
  return { slug: manifest.slug, version: manifest.version, created: true };
}

/** Every version of every plugin, newest version first within a slug. */
export async function listPluginVersions(db: GlobalDb): Promise<PluginVersion[]> {
  const { results } = await db.prepare("SELECT * FROM plugin_versions ORDER BY slug").all();
  return sortNewestFirst(results.map((row) => versionRow.parse(row)));
}

export async function versionsOf(db: GlobalDb, slug: string): Promise<PluginVersion[]> {
  const { results } = await db.prepare("SELECT * FROM plugin_versions WHERE slug = ?").bind(slug).all();
  if (results.length === 0) throw await pluginNotFound(db, slug);
  return sortNewestFirst(results.map((row) => versionRow.parse(row)));
}

/** Versions read so far by this isolate: a registered version never changes, so it is read from D1 once. */
const knownVersions = new Map<string, PluginVersion>();
const KNOWN_VERSIONS_MAX = 1_000;

/**
 * One registered version, from this isolate's memory after the first read. Installations live in each
 * tenant's ledger and the catalogue in D1, so there is no join: the installation names the version,
 * this gives its manifest. Null when no such version is registered.
 */
export async function knownVersion(db: GlobalDb, slug: string, version: string): Promise<PluginVersion | null> {
  const key = `${slug}@${version}`;
  const hit = knownVersions.get(key);
  if (hit) return hit;
  const row = await db
    .prepare("SELECT * FROM plugin_versions WHERE slug = ? AND version = ?")
    .bind(slug, version)
    .first();
  if (!row) return null;
  const parsed = versionRow.parse(row);
  if (knownVersions.size >= KNOWN_VERSIONS_MAX) knownVersions.delete(knownVersions.keys().next().value as string);
  knownVersions.set(key, parsed);
  return parsed;
}

export async function getPluginVersion(db: GlobalDb, slug: string, version: string): Promise<PluginVersion> {
  const row = await db
    .prepare("SELECT * FROM plugin_versions WHERE slug = ? AND version = ?")
    .bind(slug, version)
    .first();
  if (!row) {
    const versions = await versionsOf(db, slug);
    throw new RegistryError(
      "VERSION_NOT_FOUND",
      `${slug} has no version ${version}; available: ${versions.map((v) => v.version).join(", ")}.`,
      {
        slug,
        version,
        available: versions.map((v) => v.version),
      },
    );
  }
  return versionRow.parse(row);
}

function sortNewestFirst(rows: PluginVersion[]): PluginVersion[] {
  return rows.sort((a, b) => a.slug.localeCompare(b.slug) || semver.rcompare(a.version, b.version));
}

/** The catalogue in the resolver's terms. */
export function toCatalogue(versions: readonly PluginVersion[]): Catalogue {
  const catalogue = new Map<
    string,
    { slug: string; version: string; dependencies: PluginManifest["dependencies"] }[]
  >();
  for (const v of versions) {
    const entries = catalogue.get(v.slug) ?? [];
    entries.push({ slug: v.slug, version: v.version, dependencies: v.manifest.dependencies });
    catalogue.set(v.slug, entries);
  }
  return catalogue;
}

/** A PLUGIN_NOT_FOUND error that suggests the nearest registered slug. */
export async function pluginNotFound(db: GlobalDb, slug: string): Promise<RegistryError> {
  const { results } = await db.prepare("SELECT DISTINCT slug FROM plugin_versions").all<{ slug: string }>();
  const slugs = results.map((r) => r.slug);
  const hint = slugs.length > 0 ? `; did you mean "${closest(slug, slugs)}"?` : ".";
  return new RegistryError("PLUGIN_NOT_FOUND", `No plugin "${slug}" is available${hint}`, { slug });
}
