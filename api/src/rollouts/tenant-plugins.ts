/**
 * The D1 index of which tenant runs which version of which plugin (`tenant_plugins`), so the catalogue
 * and a rollout find a version's tenants with one query instead of one call per tenant's ledger. The
 * ledger is the truth: each transition re-writes the rows of the plugins it touched right after its
 * ledger batch commits (TenantScope.afterCommit), and `reindexPlugin` re-reads every ledger for one
 * plugin, for a row a failed write left behind.
 */
import { z } from "zod";
import type { ApiEnv } from "../env.ts";
import { ledgerDb } from "../ledger/index.ts";
import type { GlobalDb, TenantDb } from "../ledger/tenant-db.ts";
import { pluginState } from "../registry/index.ts";
import { inTurns } from "./in-turns.ts";

const indexRow = z.object({ slug: z.string(), version: z.string(), state: pluginState, updated_at: z.string() });
type IndexRow = z.infer<typeof indexRow>;

async function ledgerRows(ledger: TenantDb, tenantId: string, slugs: readonly string[]): Promise<IndexRow[]> {
  const { results } = await ledger
    .prepare(
      `SELECT slug, version, state, updated_at FROM installations WHERE tenant_id = ? AND slug IN (${slugs.map(() => "?").join(", ")})`,
    )
    .bind(tenantId, ...slugs)
    .all();
  return results.map((r) => indexRow.parse(r));
}

/** The writes that make the index say what `rows` say of `slugs`: each row upserted, every other slug deleted. */
function indexWrites(catalogue: GlobalDb, tenantId: string, slugs: readonly string[], rows: IndexRow[]) {
  const present = new Set(rows.map((r) => r.slug));
  return [
    ...rows.map((r) =>
      catalogue
        .prepare(
          // a write that read the ledger before a later transition's does not undo it
          `INSERT INTO tenant_plugins (tenant_id, slug, version, state, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (tenant_id, slug) DO UPDATE SET version = excluded.version, state = excluded.state,
             updated_at = excluded.updated_at
           WHERE excluded.updated_at >= tenant_plugins.updated_at`,
        )
        .bind(tenantId, r.slug, r.version, r.state, r.updated_at),
    ),
    ...slugs
      .filter((s) => !present.has(s))
      .map((s) => catalogue.prepare("DELETE FROM tenant_plugins WHERE tenant_id = ? AND slug = ?").bind(tenantId, s)),
  ];
}

/** Re-writes the index rows of `slugs` for one tenant from its ledger: what is installed upserted, the rest deleted. */
export async function indexInstallations(
  catalogue: GlobalDb,
  ledger: TenantDb,
  tenantId: string,
  slugs: readonly string[],
): Promise<void> {
  if (slugs.length === 0) return;
  await catalogue.batch(indexWrites(catalogue, tenantId, slugs, await ledgerRows(ledger, tenantId, slugs)));
}

/** What a tenant scope's afterCommit does: the tenant's rows of the plugins a transition touched, re-written. */
export function indexAfterCommit(env: Pick<ApiEnv, "DB" | "LEDGER">, tenantId: string) {
  return (slugs: readonly string[]) => indexInstallations(env.DB, ledgerDb(env, tenantId), tenantId, slugs);
}

export interface ReindexResult {
  slug: string;
  /** Every tenant's ledger read. */
  tenants: number;
  /** Index rows written (the tenant has the plugin). */
  indexed: number;
  /** Index rows dropped (the tenant no longer has it). */
  removed: number;
}

/** The repair: every tenant's ledger read for `slug`, and the index made to say what each one says. */
export async function reindexPlugin(env: Pick<ApiEnv, "DB" | "LEDGER">, slug: string): Promise<ReindexResult> {
  const { results } = await env.DB.prepare(
    `SELECT t.id AS id, tp.slug IS NOT NULL AS indexed
       FROM tenants t LEFT JOIN tenant_plugins tp ON tp.tenant_id = t.id AND tp.slug = ?`,
  )
    .bind(slug)
    .all();
  const tenants = z.array(z.object({ id: z.string(), indexed: z.number() })).parse(results);
  let indexed = 0;
  let removed = 0;
  await inTurns(tenants, async (t) => {
    const rows = await ledgerRows(ledgerDb(env, t.id), t.id, [slug]);
    if (rows.length === 0 && t.indexed === 0) return;
    await env.DB.batch(indexWrites(env.DB, t.id, [slug], rows));
    if (rows.length > 0) indexed++;
    else removed++;
  });
  return { slug, tenants: tenants.length, indexed, removed };
}

export interface TenantRunning {
  tenantId: string;
  tenantSlug: string;
  version: string;
  state: z.infer<typeof pluginState>;
}

/** Every tenant the index says has `slug` installed, with its version. */
export async function tenantsWith(catalogue: GlobalDb, slug: string): Promise<TenantRunning[]> {
  const { results } = await catalogue
    .prepare(
      `SELECT tp.tenant_id AS tenantId, t.slug AS tenantSlug, tp.version AS version, tp.state AS state
         FROM tenant_plugins tp JOIN tenants t ON t.id = tp.tenant_id
        WHERE tp.slug = ? ORDER BY t.slug`,
    )
    .bind(slug)
    .all();
  return z
    .array(z.object({ tenantId: z.string(), tenantSlug: z.string(), version: z.string(), state: pluginState }))
    .parse(results);
}
