/**
 * What a transition is planned from: the catalogue and the tenant's installations,
 * read together. The commit re-checks the states it relied on (see commit.ts).
 */

import type { PluginManifest } from "@digital-commerce/plugin-sdk";
import type { GlobalDb, TenantDb } from "../ledger/tenant-db.ts";
import {
  type Installation,
  listInstallations,
  listPluginVersions,
  type PluginVersion,
  pluginNotFound,
} from "../registry/index.ts";
import { dependentsOf } from "../resolver/index.ts";
import { notInstalled } from "./errors.ts";

export interface InstalledPlugin extends Installation {
  manifest: PluginManifest;
  bundle_hash: string | null;
}

export interface TenantSnapshot {
  versions: PluginVersion[];
  installed: Map<string, InstalledPlugin>;
  /** [dependent, dependency] among the tenant's installed plugins. */
  edges: [string, string][];
}

/** The catalogue (D1) and the tenant's installations (its ledger), read together. */
export async function readSnapshot(catalogue: GlobalDb, db: TenantDb, tenantId: string): Promise<TenantSnapshot> {
  const [versions, installations] = await Promise.all([listPluginVersions(catalogue), listInstallations(db, tenantId)]);
  const byVersion = new Map(versions.map((v) => [`${v.slug}@${v.version}`, v]));
  const installed = new Map<string, InstalledPlugin>();
  for (const i of installations) {
    const version = byVersion.get(`${i.slug}@${i.version}`);
    // versions are never deleted; a missing manifest would be a corrupt registry
    if (!version) throw new Error(`installation ${i.slug}@${i.version} has no registered manifest`);
    installed.set(i.slug, { ...i, manifest: version.manifest, bundle_hash: version.bundle_hash });
  }
  const edges: [string, string][] = [];
  for (const p of installed.values()) {
    for (const d of p.manifest.dependencies) edges.push([p.slug, d.name]);
  }
  return { versions, installed, edges };
}

/**
 * The tenant's snapshot and its installation of `slug`: PLUGIN_NOT_FOUND when no
 * such plugin exists at all, ILLEGAL_TRANSITION when the tenant does not have it.
 */
export async function readInstalled(
  catalogue: GlobalDb,
  db: TenantDb,
  tenantId: string,
  slug: string,
): Promise<{ snapshot: TenantSnapshot; plugin: InstalledPlugin }> {
  const snapshot = await readSnapshot(catalogue, db, tenantId);
  const plugin = snapshot.installed.get(slug);
  if (plugin) return { snapshot, plugin };
  await versionsIn(catalogue, snapshot, slug);
  throw notInstalled(slug);
}

/** The registered versions of `slug`, newest first, or PLUGIN_NOT_FOUND naming the nearest slug. */
export async function versionsIn(
  catalogue: GlobalDb,
  snapshot: TenantSnapshot,
  slug: string,
): Promise<[PluginVersion, ...PluginVersion[]]> {
  const [latest, ...older] = snapshot.versions.filter((v) => v.slug === slug);
  if (!latest) throw await pluginNotFound(catalogue, slug);
  return [latest, ...older];
}

/** Installed plugins that depend on `slug`, directly or through others. */
export function installedDependents(snapshot: TenantSnapshot, slug: string): InstalledPlugin[] {
  return dependentsOf(slug, snapshot.edges, true)
    .map((s) => snapshot.installed.get(s))
    .filter((p): p is InstalledPlugin => p !== undefined);
}

/** Installed dependencies of `slug`, transitively. */
export function installedDependencies(snapshot: TenantSnapshot, slug: string): string[] {
  const seen = new Set<string>();
  const stack = [slug];
  while (stack.length > 0) {
    const current = snapshot.installed.get(stack.pop() as string);
    for (const d of current?.manifest.dependencies ?? []) {
      if (!seen.has(d.name)) {
        seen.add(d.name);
        stack.push(d.name);
      }
    }
  }
  return [...seen];
}

/** An installed plugin as a lifecycle callback step. */
export function callbackStep(p: InstalledPlugin) {
  return {
    slug: p.slug,
    version: p.version,
    manifest: p.manifest,
    bundleHash: p.bundle_hash,
    granted: p.permissions,
    config: p.config,
  };
}
