/** The endpoints registry: a tenant's webhook endpoints in D1, their secrets sealed, never answered back. */

import { z } from "zod";
import type { TenantDb } from "../ledger/tenant-db.ts";
import { type UrlPolicy, urlProblem } from "../net/index.ts";
import { endpointNotFound, invalidField, WebhookError } from "./errors.ts";
import type { EndpointRow, EndpointView } from "./schemas.ts";
import { endpointRow } from "./schemas.ts";
import { generateSecret, openSecret, sealSecret } from "./secrets.ts";

export interface EndpointScope {
  db: TenantDb;
  tenantId: string;
  /** CONFIG_ENCRYPTION_KEY: seals the secrets. */
  key: string;
  urlPolicy: UrlPolicy;
}

const now = () => new Date().toISOString();

export function endpointViewOf(row: EndpointRow): EndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    enabled: row.enabled,
    disabled_reason: row.disabled_reason,
    disabled_at: row.disabled_at,
    consecutive_failures: row.consecutive_failures,
    previous_secret_until: row.previous_secret_until,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function assertUrlAllowed(url: string, policy: UrlPolicy): void {
  const message = urlProblem(url, policy);
  if (message) throw invalidField("url", message);
}

export async function createEndpoint(
  scope: EndpointScope,
  input: { url: string; events: string[]; description: string; secret?: string },
): Promise<{ endpoint: EndpointView; secret: string }> {
  assertUrlAllowed(input.url, scope.urlPolicy);
  const id = `ep_${crypto.randomUUID().replaceAll("-", "")}`;
  const secret = input.secret ?? generateSecret();
  const sealed = await sealSecret({ key: scope.key, tenantId: scope.tenantId, endpointId: id }, secret);
  const row = await scope.db
    .prepare(
      `INSERT INTO webhook_endpoints (id, tenant_id, url, description, events, secret, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    )
    .bind(id, scope.tenantId, input.url, input.description, JSON.stringify(input.events), sealed, now(), now())
    .first();
  return { endpoint: endpointViewOf(endpointRow.parse(row)), secret };
}

export async function listEndpoints(db: TenantDb, tenantId: string): Promise<EndpointView[]> {
  const { results } = await db
    .prepare("SELECT * FROM webhook_endpoints WHERE tenant_id = ? ORDER BY created_at, id")
    .bind(tenantId)
    .all();
  return z.array(endpointRow).parse(results).map(endpointViewOf);
}

/** The tenant's endpoint `id`; another tenant's endpoint is as absent as one that never existed. */
export async function findEndpoint(db: TenantDb, tenantId: string, id: string): Promise<EndpointRow> {
  const row = await db
    .prepare("SELECT * FROM webhook_endpoints WHERE id = ? AND tenant_id = ?")
    .bind(id, tenantId)
    .first();
  if (row === null) throw endpointNotFound(id);
  return endpointRow.parse(row);
}

export async function updateEndpoint(
  scope: EndpointScope,
  id: string,
  patch: { url?: string; events?: string[]; description?: string; enabled?: boolean },
): Promise<EndpointView> {
  if (patch.url !== undefined) assertUrlAllowed(patch.url, scope.urlPolicy);
  const current = await findEndpoint(scope.db, scope.tenantId, id);
  if (patch.enabled === true && !current.enabled) await enableEndpoint(scope.db, scope.tenantId, id);
  const disabling = patch.enabled === false && current.enabled;
  const row = await scope.db
    .prepare(
      `UPDATE webhook_endpoints
          SET url = ?, events = ?, description = ?, updated_at = ?,
              enabled = CASE WHEN ? THEN 0 ELSE enabled END,
              disabled_reason = CASE WHEN ? THEN 'manual' ELSE disabled_reason END,
              disabled_at = CASE WHEN ? THEN ? ELSE disabled_at END
        WHERE id = ? AND tenant_id = ? RETURNING *`,
    )
    .bind(
      patch.url ?? current.url,
      JSON.stringify(patch.events ?? current.events),
      patch.description ?? current.description,
      now(),
      disabling ? 1 : 0,
      disabling ? 1 : 0,
      disabling ? 1 : 0,
      now(),
      id,
      scope.tenantId,
    )
    .first();
  if (row === null) throw endpointNotFound(id);
  return endpointViewOf(endpointRow.parse(row));
}

/** Deletes the endpoint with its deliveries and attempts; queued messages for them find nothing and are dropped. */
export async function deleteEndpoint(db: TenantDb, tenantId: string, id: string): Promise<void> {
  const { meta } = await db
    .prepare("DELETE FROM webhook_endpoints WHERE id = ? AND tenant_id = ?")
    .bind(id, tenantId)
    .run();
  if (meta.changes === 0) throw endpointNotFound(id);
}

/**
 * Replaces the secret. The replaced one keeps signing (a second signature in webhook-signature) for
 * `overlapSeconds`, so receivers can switch over without rejecting a delivery; a rotation during an
 * overlap drops the oldest secret, since only the one being replaced is kept.
 */
export async function rotateSecret(
  scope: EndpointScope,
  id: string,
  input: { secret?: string; overlapSeconds: number },
): Promise<{ secret: string; previous_secret_until: string | null }> {
  const current = await findEndpoint(scope.db, scope.tenantId, id);
  const secret = input.secret ?? generateSecret();
  const sealed = await sealSecret({ key: scope.key, tenantId: scope.tenantId, endpointId: id }, secret);
  const until = input.overlapSeconds > 0 ? new Date(Date.now() + input.overlapSeconds * 1000).toISOString() : null;
  // guarded on the secret read above: of two concurrent rotations, the second one fails instead of dropping the first
  const row = await scope.db
    .prepare(
      `UPDATE webhook_endpoints SET secret = ?, previous_secret = ?, previous_secret_until = ?, updated_at = ?
        WHERE id = ? AND tenant_id = ? AND secret = ? RETURNING id`,
    )
    .bind(sealed, until ? current.secret : null, until, now(), id, scope.tenantId, current.secret)
    .first();
  if (row === null) {
    throw new WebhookError(
      "CONCURRENT_MODIFICATION",
      `Webhook endpoint ${id} was changed while its secret was being rotated; nothing was changed. Retry the request.`,
    );
  }
  return { secret, previous_secret_until: until };
}

/** Re-enables an endpoint and forgets its run of failures; missed deliveries wait for a replay. */
export async function enableEndpoint(db: TenantDb, tenantId: string, id: string): Promise<EndpointView> {
  const row = await db
    .prepare(
      `UPDATE webhook_endpoints
          SET enabled = 1, disabled_reason = NULL, disabled_at = NULL, consecutive_failures = 0, updated_at = ?
        WHERE id = ? AND tenant_id = ? RETURNING *`,
    )
    .bind(now(), id, tenantId)
    .first();
  if (row === null) throw endpointNotFound(id);
  return endpointViewOf(endpointRow.parse(row));
}

/** The secrets that sign a delivery now: the current one, and the previous one while its overlap lasts. */
export async function signingSecrets(key: string, row: EndpointRow, at: Date): Promise<string[]> {
  const scope = { key, tenantId: row.tenant_id, endpointId: row.id };
  const secrets = [await openSecret(scope, row.secret)];
  if (row.previous_secret && row.previous_secret_until && Date.parse(row.previous_secret_until) > at.getTime()) {
    secrets.push(await openSecret(scope, row.previous_secret));
  }
  return secrets;
}
