/**
 * What a Worker keeps of a tenant's plugins and webhook endpoints between calls to its ledger: the
 * installations and the endpoints' subscriptions, stamped with the ledger's generation (a counter its
 * triggers move on every change to either table, migration 0003). A batched program is handed the
 * generation the caller computed with; it answers `stale` with the current view instead of writing when
 * the two differ, in the same transaction, so a cached view is as exact as reading the tables afresh
 * while costing no call of its own.
 */
import { z } from "zod";
import type { TenantDb } from "./tenant-db.ts";

export const viewEndpointSchema = z.object({
  id: z.string(),
  enabled: z.boolean(),
  /** Event types: catalogue notification hooks, `event:<name>`, or "*". */
  events: z.array(z.string()),
});

/** An installation as the ledger stores it: the row, its JSON columns still text (the registry parses them). */
export const viewInstallationSchema = z.record(z.string(), z.unknown());

export const tenantViewSchema = z.object({
  generation: z.number().int(),
  installations: z.array(viewInstallationSchema),
  endpoints: z.array(viewEndpointSchema),
});
export type TenantView = z.infer<typeof tenantViewSchema>;

/** The ledger's generation now. */
async function generationOf(db: TenantDb): Promise<number> {
  const row = await db.prepare("SELECT n FROM ledger_generation WHERE id = 1").first<{ n: number }>();
  return row?.n ?? 0;
}

/** The view as the ledger holds it now (inside a program: one transaction with what follows). */
export async function readView(db: TenantDb, tenantId: string): Promise<TenantView> {
  const [generation, installations, endpoints] = await db.batch([
    db.prepare("SELECT n FROM ledger_generation WHERE id = 1"),
    db.prepare("SELECT * FROM installations WHERE tenant_id = ? ORDER BY slug").bind(tenantId),
    db.prepare("SELECT id, enabled, events FROM webhook_endpoints WHERE tenant_id = ? ORDER BY id").bind(tenantId),
  ]);
  return tenantViewSchema.parse({
    generation: (generation?.results[0] as { n: number } | undefined)?.n ?? 0,
    installations: installations?.results ?? [],
    endpoints: (endpoints?.results ?? []).map((raw) => {
      const row = raw as { id: string; enabled: number; events: string };
      return { id: row.id, enabled: row.enabled === 1, events: JSON.parse(row.events) as unknown };
    }),
  });
}

/** The current view when `known` is not the ledger's generation; null when the caller's is current. */
export async function staleView(db: TenantDb, tenantId: string, known: number | null): Promise<TenantView | null> {
  if (known !== null && known === (await generationOf(db))) return null;
  return await readView(db, tenantId);
}
