/** An endpoint's deliveries with every attempt, and the replay of the ones it missed. */

import { z } from "zod";
import { ledgerDb } from "../ledger/index.ts";
import type { TenantDb } from "../ledger/tenant-db.ts";
import { findEndpoint } from "./endpoints.ts";
import { WebhookError } from "./errors.ts";
import { type FanOutEnv, queueDeliveries } from "./fan-out.ts";
import { attemptView, type DeliveryStatus, type DeliveryView, deliveryView } from "./schemas.ts";

// a delivery row is the view without its attempts, which come from their own table
const deliveryListRow = deliveryView.omit({ attempts: true });
const attemptRow = attemptView.extend({ delivery_id: z.string() });

/** Deliveries matching `where` (and the tenant), newest first, each with its attempts in order. */
async function deliveriesWhere(db: TenantDb, where: string, params: unknown[], limit: number): Promise<DeliveryView[]> {
  const page = `SELECT id FROM webhook_deliveries WHERE ${where} ORDER BY created_at DESC, id LIMIT ?`;
  const [deliveries, attempts] = await db.batch([
    db
      .prepare(
        `SELECT id, endpoint_id, event_id, event_type, status, next_attempt_at, last_error, created_at, completed_at
           FROM webhook_deliveries WHERE ${where} ORDER BY created_at DESC, id LIMIT ?`,
      )
      .bind(...params, limit),
    db
      .prepare(
        `SELECT delivery_id, attempt, started_at, duration_ms, outcome, status_code, response_excerpt, error
           FROM webhook_attempts WHERE delivery_id IN (${page}) ORDER BY delivery_id, attempt`,
      )
      .bind(...params, limit),
  ]);
  const byDelivery = new Map<string, z.infer<typeof attemptView>[]>();
  for (const raw of attempts?.results ?? []) {
    const { delivery_id, ...attempt } = attemptRow.parse(raw);
    byDelivery.set(delivery_id, [...(byDelivery.get(delivery_id) ?? []), attempt]);
  }
  return z
    .array(deliveryListRow)
    .parse(deliveries?.results ?? [])
    .map((d) => ({ ...d, attempts: byDelivery.get(d.id) ?? [] }));
}

/** The endpoint's deliveries, newest first, each with its attempts in order. */
export async function listDeliveries(
  db: TenantDb,
  tenantId: string,
  endpointId: string,
  filter: { status?: DeliveryStatus; limit: number },
): Promise<DeliveryView[]> {
  await findEndpoint(db, tenantId, endpointId);
  const where = `endpoint_id = ? AND tenant_id = ?${filter.status ? " AND status = ?" : ""}`;
  return deliveriesWhere(db, where, [endpointId, tenantId, ...(filter.status ? [filter.status] : [])], filter.limit);
}

/** An event's webhook deliveries (one per subscribed endpoint), for the event's trace. */
export function webhookDeliveriesOfEvent(db: TenantDb, tenantId: string, eventId: string): Promise<DeliveryView[]> {
  return deliveriesWhere(db, "event_id = ? AND tenant_id = ?", [eventId, tenantId], 100);
}

/** How many deliveries one replay call queues: each costs D1 and queue calls, and a request has a budget of those. */
export const REPLAY_LIMIT = 1000;
// D1 binds at most 100 parameters a statement
const CHUNK = 90;

const replayable = z.object({
  id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  status: z.enum(["failed", "skipped"]),
});

/**
 * Sends again the endpoint's deliveries that failed or were skipped while it was disabled, created at or
 * after `since` (all when absent), oldest first, each on a fresh run of the retry schedule. They keep
 * their ids, so the webhook-id a receiver dedupes on is the one it may already have seen. At most
 * REPLAY_LIMIT a call; `remaining` says how many are left for the next call.
 */
export async function replayDeliveries(
  env: FanOutEnv,
  tenantId: string,
  endpointId: string,
  since?: string,
): Promise<{ replayed: number; remaining: number }> {
  const db = ledgerDb(env, tenantId);
  const endpoint = await findEndpoint(db, tenantId, endpointId);
  if (!endpoint.enabled) {
    throw new WebhookError(
      "WEBHOOK_ENDPOINT_DISABLED",
      `Webhook endpoint ${endpointId} is disabled, so a replay would only skip again; enable it first with POST /api/admin/webhooks/${endpointId}/enable.`,
      { id: endpointId, disabled_reason: endpoint.disabled_reason },
    );
  }
  const sinceIso = since ? new Date(since).toISOString() : "";
  const filter = "endpoint_id = ? AND tenant_id = ? AND status IN ('failed', 'skipped') AND created_at >= ?";
  const [candidates, total] = await db.batch([
    db
      .prepare(
        `SELECT id, event_id, event_type, status FROM webhook_deliveries WHERE ${filter} ORDER BY created_at, id LIMIT ?`,
      )
      .bind(endpointId, tenantId, sinceIso, REPLAY_LIMIT),
    db.prepare(`SELECT COUNT(*) AS n FROM webhook_deliveries WHERE ${filter}`).bind(endpointId, tenantId, sinceIso),
  ]);
  const rows = z.array(replayable).parse(candidates?.results ?? []);
  const count = z.object({ n: z.number() }).parse(total?.results[0]).n;

  let replayed = 0;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const at = new Date().toISOString();
    const { results: reset } = await db
      .prepare(
        `UPDATE webhook_deliveries
            SET status = 'pending', run_attempts = 0, next_attempt_at = NULL, lease_until = NULL, completed_at = NULL,
                last_error = NULL, updated_at = ?
          WHERE id IN (${chunk.map(() => "?").join(", ")}) AND status IN ('failed', 'skipped') RETURNING id`,
      )
      .bind(at, ...chunk.map((d) => d.id))
      .all();
    const resetIds = new Set(
      z
        .array(z.object({ id: z.string() }))
        .parse(reset)
        .map((r) => r.id),
    );
    const sending = chunk.filter((d) => resetIds.has(d.id));
    try {
      await queueDeliveries(
        env.WEBHOOK_DELIVERIES,
        sending.map((d) => ({
          type: "webhook_delivery",
          delivery_id: d.id,
          tenant_id: tenantId,
          endpoint_id: endpointId,
          event_id: d.event_id,
          event_type: d.event_type,
        })),
      );
    } catch (error) {
      // nothing would ever attempt a pending delivery without a message: put them back as they were, replayable
      await db.batch(
        sending.map((d) =>
          db
            .prepare("UPDATE webhook_deliveries SET status = ?, last_error = ? WHERE id = ? AND status = 'pending'")
            .bind(d.status, "the replay could not be queued; replay again", d.id),
        ),
      );
      throw error;
    }
    replayed += sending.length;
  }
  return { replayed, remaining: Math.max(0, count - rows.length) };
}
