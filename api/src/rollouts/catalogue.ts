/**
 * The catalogue of one plugin's versions, newest first, each with its changelog and when it was
 * registered; with which version the calling tenant runs (its ledger: the truth), and, for a token
 * that may act past its tenant (plugins:publish), which tenants run each version (the D1 index, which
 * can lag a transition by a failed write; see tenant-plugins.ts). No other tenant is ever named to a
 * token without the scope.
 */
import { z } from "zod";
import type { ApiEnv } from "../env.ts";
import { ledgerDb } from "../ledger/index.ts";
import { findInstallation, versionsOf } from "../registry/index.ts";

/** Tenant slugs listed per version at most; `count` is every one. */
export const LISTED_TENANTS = 100;

export interface CatalogueVersion {
  version: string;
  changelog: string | null;
  registered_at: string;
  tenants?: { count: number; slugs: string[] };
}

export interface VersionsCatalogue {
  slug: string;
  installed_version: string | null;
  versions: CatalogueVersion[];
}

export async function versionsCatalogue(
  env: Pick<ApiEnv, "DB" | "LEDGER">,
  slug: string,
  viewer: { tenantId: string; seesTenants: boolean },
): Promise<VersionsCatalogue> {
  const [versions, installed] = await Promise.all([
    versionsOf(env.DB, slug),
    findInstallation(ledgerDb(env, viewer.tenantId), viewer.tenantId, slug),
  ]);
  const running = viewer.seesTenants ? await tenantsPerVersion(env, slug) : null;
  return {
    slug,
    installed_version: installed?.version ?? null,
    versions: versions.map((v) => ({
      version: v.version,
      changelog: v.manifest.changelog ?? null,
      registered_at: v.registered_at,
      ...(running ? { tenants: running.get(v.version) ?? { count: 0, slugs: [] } } : {}),
    })),
  };
}

async function tenantsPerVersion(env: Pick<ApiEnv, "DB">, slug: string) {
  const { results } = await env.DB.prepare(
    `SELECT version, tenant_slug, count FROM (
       SELECT tp.version AS version, t.slug AS tenant_slug,
              ROW_NUMBER() OVER (PARTITION BY tp.version ORDER BY t.slug) AS n,
              COUNT(*) OVER (PARTITION BY tp.version) AS count
         FROM tenant_plugins tp JOIN tenants t ON t.id = tp.tenant_id WHERE tp.slug = ?)
      WHERE n <= ? ORDER BY version, tenant_slug`,
  )
    .bind(slug, LISTED_TENANTS)
    .all();
  const rows = z.array(z.object({ version: z.string(), tenant_slug: z.string(), count: z.number() })).parse(results);
  const byVersion = new Map<string, { count: number; slugs: string[] }>();
  for (const r of rows) {
    const entry = byVersion.get(r.version) ?? { count: r.count, slugs: [] };
    entry.slugs.push(r.tenant_slug);
    byVersion.set(r.version, entry);
  }
  return byVersion;
}
