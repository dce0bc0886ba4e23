/** Fixtures of the webhook tests: endpoints on the loopback receiver, events through the outbox, polling. */

import { env } from "cloudflare:test";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { type HookEventMessage, type OutboxTopic, outboxEvent } from "../../api/src/outbox/index.ts";
import { enqueueWebhookDeliveries } from "../../api/src/webhooks/index.ts";
import { type Client, eventually as poll } from "../helpers.ts";
import { receiverPath, receiverUrl } from "./receiver.ts";

export interface GivenEndpoint {
  id: string;
  secret: string;
  path: string;
}

/** An endpoint of the calling tenant on a fresh receiver path of `behaviour`. */
export async function givenEndpoint(
  api: Client,
  { behaviour = "ok", events = ["after_order_create"] }: { behaviour?: string; events?: string[] } = {},
): Promise<GivenEndpoint> {
  const path = receiverPath(behaviour);
  const res = await api<{ endpoint: { id: string }; secret: string }>("POST", "/api/admin/webhooks", {
    url: receiverUrl(path),
    events,
  });
  if (res.status !== 201) throw new Error(`registering the endpoint failed: ${JSON.stringify(res.body)}`);
  return { id: res.body.endpoint.id, secret: res.body.secret, path };
}

/**
 * An event of the tenant as the platform records it (an outbox row, marked sent), fanned out to webhooks
 * as the hook-events consumer does. Returns the event and how many delivery messages were queued.
 */
export async function publish(
  tenantId: string,
  topic: OutboxTopic,
  payload: unknown = { order: { id: crypto.randomUUID(), total: 4200 } },
): Promise<{ event: HookEventMessage; queued: number }> {
  const db = ledgerDb(env, tenantId);
  const e = outboxEvent(db, tenantId, topic, null, payload);
  await db.batch([
    e.statement,
    db.prepare("UPDATE outbox SET sent_at = ? WHERE id = ?").bind(new Date().toISOString(), e.message.id),
  ]);
  return { event: e.message, queued: await enqueueWebhookDeliveries(env, e.message) };
}

/** Polls `read` until `done` holds for what it returns, or fails after `timeoutMs` with the last value. */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  let last: T | undefined;
  try {
    return await poll(async () => {
      last = await read();
      return done(last) ? last : undefined;
    }, timeoutMs);
  } catch {
    throw new Error(`still not there after ${timeoutMs} ms: ${JSON.stringify(last)}`);
  }
}

export interface AttemptView {
  attempt: number;
  started_at: string;
  duration_ms: number;
  outcome: "succeeded" | "failed" | "timeout";
  status_code: number | null;
  response_excerpt: string | null;
  error: string | null;
}

export interface DeliveryView {
  id: string;
  event_id: string;
  event_type: string;
  status: "pending" | "succeeded" | "failed" | "skipped";
  last_error: string | null;
  attempts: AttemptView[];
}

export async function deliveriesOf(api: Client, endpointId: string): Promise<DeliveryView[]> {
  const res = await api<{ deliveries: DeliveryView[] }>("GET", `/api/admin/webhooks/${endpointId}/deliveries`);
  if (res.status !== 200) throw new Error(`listing deliveries failed: ${JSON.stringify(res.body)}`);
  return res.body.deliveries;
}

/** The endpoint's deliveries once none is pending any more. */
export function settledDeliveries(api: Client, endpointId: string, count: number, timeoutMs?: number) {
  return eventually(
    () => deliveriesOf(api, endpointId),
    (ds) => ds.length === count && ds.every((d) => d.status !== "pending"),
    timeoutMs,
  );
}
