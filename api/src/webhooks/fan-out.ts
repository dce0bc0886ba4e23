/**
 * Fan-out: one delivery per event and subscribed endpoint. The hook-events consumer calls this for
 * every event; it may call it twice for one event (Queues deliver at least once), and nothing doubles.
 */

import { z } from "zod";
import type { ApiEnv } from "../env.ts";
import { ledgerDb } from "../ledger/index.ts";
import { eventPayload, type HookEventMessage } from "../outbox/index.ts";
import { isWebhookTopic } from "./event-types.ts";
import type { WebhookDeliveryMessage } from "./schemas.ts";

export type FanOutEnv = Pick<ApiEnv, "LEDGER" | "WEBHOOK_DELIVERIES">;

/**
 * The delivery id of `eventId` to `endpointId`: derived from both, so a re-delivered event's INSERT OR
 * IGNORE finds the row it wrote before. It is the webhook-id header, which receivers dedupe on.
 */
export async function deliveryIdOf(eventId: string, endpointId: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${eventId}\n${endpointId}`));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `msg_${hex.slice(0, 32)}`;
}

/** The JSON body every attempt of the delivery sends (and signs): the Standard Webhooks payload shape. */
export function deliveryBody(event: Pick<HookEventMessage, "hook" | "created_at">, data: unknown): string {
  return JSON.stringify({ type: event.hook, timestamp: event.created_at, data: data ?? null });
}

const subscribedEndpoint = z.object({ id: z.string(), enabled: z.number().transform((n) => n === 1) });

/**
 * Writes a delivery for each of the tenant's endpoints subscribed to the event's topic, and queues one
 * message per delivery still to be attempted. A disabled endpoint's delivery is written `skipped`, so a
 * replay after re-enabling sends it. Returns how many messages were queued.
 */
export async function enqueueWebhookDeliveries(env: FanOutEnv, event: HookEventMessage): Promise<number> {
  if (!isWebhookTopic(event.hook)) return 0;
  const db = ledgerDb(env, event.tenant_id);
  const { results } = await db
    .prepare(
      `SELECT id, enabled FROM webhook_endpoints
      WHERE tenant_id = ? AND EXISTS (SELECT 1 FROM json_each(events) WHERE value IN (?, '*'))`,
    )
    .bind(event.tenant_id, event.hook)
    .all();
  const endpoints = z.array(subscribedEndpoint).parse(results);
  if (endpoints.length === 0) return 0;

  const body = deliveryBody(event, await eventPayload(db, event));
  const at = new Date().toISOString();
  const insert = db.prepare(
    `INSERT OR IGNORE INTO webhook_deliveries
       (id, tenant_id, endpoint_id, event_id, event_type, body, status, last_error, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const rows = await Promise.all(
    endpoints.map(async (e) => {
      const id = await deliveryIdOf(event.id, e.id);
      return insert.bind(
        id,
        event.tenant_id,
        e.id,
        event.id,
        event.hook,
        body,
        e.enabled ? "pending" : "skipped",
        e.enabled ? null : "the endpoint was disabled when the event happened",
        at,
        at,
      );
    }),
  );
  await db.batch(rows);

  // New deliveries, and ones an earlier call for this event wrote but may have stopped before queueing:
  // never attempted and not in flight. A message queued twice costs at most one early attempt.
  const { results: pending } = await db
    .prepare(
      `SELECT id, endpoint_id FROM webhook_deliveries
      WHERE event_id = ? AND tenant_id = ? AND status = 'pending' AND attempts = 0 AND lease_until IS NULL`,
    )
    .bind(event.id, event.tenant_id)
    .all();
  const toQueue = z.array(z.object({ id: z.string(), endpoint_id: z.string() })).parse(pending);
  await queueDeliveries(
    env.WEBHOOK_DELIVERIES,
    toQueue.map((d) => ({
      type: "webhook_delivery",
      delivery_id: d.id,
      tenant_id: event.tenant_id,
      endpoint_id: d.endpoint_id,
      event_id: event.id,
      event_type: event.hook,
    })),
  );
  return toQueue.length;
}

/** Sends delivery messages, 100 a call (sendBatch's limit). */
export async function queueDeliveries(
  queue: Queue<unknown>,
  messages: readonly WebhookDeliveryMessage[],
): Promise<void> {
  for (let i = 0; i < messages.length; i += 100) {
    await queue.sendBatch(messages.slice(i, i + 100).map((body) => ({ body, contentType: "json" as const })));
  }
}
