/**
 * The tenant's quota overrides in D1 (`tenant_quotas`, migration 0013), read on every plugin call
 * through a short per-isolate cache, like the tenant's active plugins (hooks/subscribers.ts).
 */
import type { TenantDb } from "../ledger/tenant-db.ts";
import { effectiveQuotas, type QuotaOverrides, type QuotaSet, quotaOverridesSchema } from "./quotas.ts";

/** Overrides change rarely: another isolate sees a change within this. */
export const QUOTAS_TTL_MS = 2_000;
const cache = new Map<string, { overrides: QuotaOverrides; expires: number }>();

export async function tenantQuotaOverrides(db: TenantDb, tenantId: string): Promise<QuotaOverrides> {
  const hit = cache.get(tenantId);
  if (hit && hit.expires > Date.now()) return hit.overrides;
  const row = await db
    .prepare("SELECT overrides FROM tenant_quotas WHERE tenant_id = ?")
    .bind(tenantId)
    .first<{ overrides: string }>();
  const overrides = quotaOverridesSchema.parse(row ? JSON.parse(row.overrides) : {});
  if (cache.size >= 10_000) cache.delete(cache.keys().next().value as string);
  cache.set(tenantId, { overrides, expires: Date.now() + QUOTAS_TTL_MS });
  return overrides;
}

export async function quotasFor(db: TenantDb, tenantId: string, slug: string): Promise<QuotaSet> {
  return effectiveQuotas(await tenantQuotaOverrides(db, tenantId), slug);
}

/** Replaces the tenant's overrides; this isolate sees them at once, others within QUOTAS_TTL_MS. */
export async function setTenantQuotaOverrides(
  db: TenantDb,
  tenantId: string,
  overrides: QuotaOverrides,
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO tenant_quotas (tenant_id, overrides, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (tenant_id) DO UPDATE SET overrides = excluded.overrides, updated_at = excluded.updated_at`,
    )
    .bind(tenantId, JSON.stringify(overrides), new Date().toISOString())
    .run();
  cache.delete(tenantId);
}
