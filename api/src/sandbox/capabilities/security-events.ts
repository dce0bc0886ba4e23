/**
 * Records what the sandbox refused a plugin (egress to an unlisted host, keys outside its namespace, a
 * cookie it may not set), and inbound webhooks its verify step refused (a bad or stale signature).
 */
import type { TenantDb } from "../../ledger/tenant-db.ts";
export type SecurityEventKind =
  | "egress_denied"
  | "invalid_key"
  | "invalid_cookie"
  | "limit_exceeded"
  | "timeout"
  | "webhook_refused"
  | "dependency_denied"
  | "session_denied";

export async function recordSecurityEvent(
  db: TenantDb,
  event: { tenantId: string; slug: string; kind: SecurityEventKind; detail: string },
): Promise<void> {
  await db
    .prepare("INSERT INTO plugin_security_events (tenant_id, slug, kind, detail) VALUES (?, ?, ?, ?)")
    .bind(event.tenantId, event.slug, event.kind, event.detail.slice(0, 1000))
    .run();
}
