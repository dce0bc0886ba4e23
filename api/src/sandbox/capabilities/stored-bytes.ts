/**
 * What a plugin keeps in storage (R2) and cache (KV) for one tenant, in bytes, for the storage_bytes and
 * cache_bytes quotas: each key's size is recorded in D1 on write and dropped on delete
 * (`plugin_stored_keys`), so a write is checked with one indexed sum instead of listing the bucket or
 * namespace. A cache value's TTL is recorded with it, so an expired value stops counting when KV drops
 * it. Approximate where the stores are: two writes racing may both pass a check that one of them alone
 * would have passed, so a plugin may go over by what is in flight at once.
 */
import type { TenantDb } from "../../ledger/tenant-db.ts";
import { CapabilityError } from "../errors.ts";
import { quotaRule } from "../quotas.ts";
import type { CapabilityProps } from "./props.ts";

export type StoredArea = "storage" | "cache";

/** Refuses a write of `bytes` under `key` that would take the area past `limit`; the key's old size does not count. */
export async function checkStoredBytes(
  db: TenantDb,
  props: CapabilityProps,
  area: StoredArea,
  key: string,
  bytes: number,
  limit: number,
): Promise<void> {
  const row = await db
    .prepare(
      `SELECT COALESCE(SUM(bytes), 0) AS total FROM plugin_stored_keys
        WHERE tenant_id = ? AND slug = ? AND store = ? AND key != ? AND (expires_at IS NULL OR expires_at > ?)`,
    )
    .bind(props.tenantId, props.slug, area, key, new Date().toISOString())
    .first<{ total: number }>();
  const others = row?.total ?? 0;
  if (others + bytes > limit) {
    const quota = area === "storage" ? "storage_bytes" : "cache_bytes";
    throw new CapabilityError(
      "QUOTA_EXCEEDED",
      `${quotaRule(quota, limit)}; it holds ${others} bytes, and "${key}" would add ${bytes}`,
    );
  }
}

export async function recordStoredBytes(
  db: TenantDb,
  props: CapabilityProps,
  area: StoredArea,
  key: string,
  bytes: number,
  ttlSeconds?: number,
): Promise<void> {
  const expiresAt = ttlSeconds === undefined ? null : new Date(Date.now() + ttlSeconds * 1000).toISOString();
  await db
    .prepare(
      `INSERT INTO plugin_stored_keys (tenant_id, slug, store, key, bytes, expires_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant_id, slug, store, key) DO UPDATE SET bytes = excluded.bytes, expires_at = excluded.expires_at`,
    )
    .bind(props.tenantId, props.slug, area, key, bytes, expiresAt)
    .run();
}

export async function forgetStoredKey(
  db: TenantDb,
  props: CapabilityProps,
  area: StoredArea,
  key: string,
): Promise<void> {
  await db
    .prepare("DELETE FROM plugin_stored_keys WHERE tenant_id = ? AND slug = ? AND store = ? AND key = ?")
    .bind(props.tenantId, props.slug, area, key)
    .run();
}

/** The plugin's data went with its uninstall: so do the sizes recorded for it. */
export async function forgetStoredBytes(db: TenantDb, props: CapabilityProps): Promise<void> {
  await db
    .prepare("DELETE FROM plugin_stored_keys WHERE tenant_id = ? AND slug = ?")
    .bind(props.tenantId, props.slug)
    .run();
}
