/**
 * The outbox: an event is written in the same D1 batch as the change it
 * describes, then sent to its queue and marked sent. A send that fails leaves
 * the row unsent, and the scheduled re-drive sends it later, so nothing is lost
 * between the write and the queue.
 */

import type { HookName } from "@digital-commerce/plugin-sdk";
import { z } from "zod";
import type { ApiEnv } from "../env.ts";
import type { TenantDb } from "../ledger/tenant-db.ts";
import type { Logger } from "../logging/index.ts";

/** Payloads above this travel by reference: the consumer reads them from the outbox row (Queues allow 128 KB a message). */
export const INLINE_PAYLOAD_BYTES = 64 * 1024;

/** The message on the hook-events and analytics-events queues; the consumers parse it with this schema. */
export const hookEventMessage = z.object({
  type: z.literal("event").default("event"),
  id: z.string(),
  tenant_id: z.string(),
  hook: z.string(),
  plugin_slug: z.string().nullable(),
  /** Absent when the payload was too large to travel inline: read it from the outbox row. */
  payload: z.unknown().optional(),
  created_at: z.string(),
  trace_id: z.string().nullish(),
});
export type HookEventMessage = z.infer<typeof hookEventMessage>;

/**
 * A catalogue hook, an event a plugin emitted (`event:<name>`), an analytics event (`analytics:<name>`),
 * or an inbound webhook a plugin verified (`webhook:<path>`, delivered to that plugin alone).
 */
export type OutboxTopic = HookName | `event:${string}` | `analytics:${string}` | `webhook:${string}`;

export const WEBHOOK_TOPIC_PREFIX = "webhook:";

export type OutboxQueue = "hook-events" | "analytics-events";

/** The producers the outbox sends to. */
export type OutboxQueues = Pick<ApiEnv, "HOOK_EVENTS" | "ANALYTICS_EVENTS">;

export interface OutboxEvent {
  statement: D1PreparedStatement;
  message: HookEventMessage;
  queue: OutboxQueue;
}

export function queueOf(topic: string): OutboxQueue {
  return topic.startsWith("analytics:") ? "analytics-events" : "hook-events";
}

/**
 * The INSERT to put in the caller's batch, and the message to send once it commits. An event with an
 * `id` of its own (derived from something outside, such as a provider's event id) is written once: a
 * second write of the same id changes nothing, which the batch's result shows as 0 changes.
 */
export function outboxEvent(
  db: TenantDb,
  tenantId: string,
  topic: OutboxTopic,
  pluginSlug: string | null,
  payload: unknown,
  traceId?: string,
  id?: string,
): OutboxEvent {
  const json = JSON.stringify(payload ?? null);
  const message: HookEventMessage = {
    type: "event",
    id: id ?? crypto.randomUUID(),
    tenant_id: tenantId,
    hook: topic,
    plugin_slug: pluginSlug,
    ...(json.length <= INLINE_PAYLOAD_BYTES ? { payload: payload ?? null } : {}),
    created_at: new Date().toISOString(),
    trace_id: traceId ?? null,
  };
  const queue = queueOf(topic);
  const statement = db
    .prepare(
      `INSERT INTO outbox (id, tenant_id, hook, plugin_slug, payload, created_at, queue, trace_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    )
    .bind(message.id, tenantId, topic, pluginSlug, json, message.created_at, queue, traceId ?? null);
  return { statement, message, queue };
}

function producer(queues: OutboxQueues, queue: OutboxQueue): Queue<unknown> {
  return queue === "analytics-events" ? queues.ANALYTICS_EVENTS : queues.HOOK_EVENTS;
}

/**
 * Sends committed events and marks them sent; a failed send is logged and left for the re-drive. The
 * mark is `mark` when given (a request leaves it to the consumer that receives the event,
 * hooks/events.ts), else written to `db` now (the re-drive, a plugin's emit).
 */
export async function flushOutbox(
  db: TenantDb,
  queues: OutboxQueues,
  events: readonly OutboxEvent[],
  log: Logger,
  mark: (ids: string[]) => Promise<void> | void = (ids) => markSent(db, ids),
): Promise<void> {
  const sent: string[] = [];
  for (const queue of ["hook-events", "analytics-events"] as const) {
    const group = events.filter((e) => e.queue === queue);
    // sendBatch takes at most 100 messages
    for (let i = 0; i < group.length; i += 100) {
      const chunk = group.slice(i, i + 100);
      try {
        await producer(queues, queue).sendBatch(chunk.map((e) => ({ body: e.message, contentType: "json" as const })));
        sent.push(...chunk.map((e) => e.message.id));
      } catch (error) {
        log.error(
          { err: error, queue, events: chunk.map((e) => e.message.id) },
          "outbox send failed; the events stay unsent for the re-drive",
        );
      }
    }
  }
  if (sent.length > 0) await mark(sent);
}

/** The UPDATEs that mark events sent, for a caller's batch (D1 binds at most 100 parameters a statement). */
export function markSentStatements(db: TenantDb, ids: readonly string[]): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  const at = new Date().toISOString();
  for (let i = 0; i < ids.length; i += 90) {
    const chunk = ids.slice(i, i + 90);
    statements.push(
      db
        .prepare(`UPDATE outbox SET sent_at = ? WHERE id IN (${chunk.map(() => "?").join(", ")}) AND sent_at IS NULL`)
        .bind(at, ...chunk),
    );
  }
  return statements;
}

export async function markSent(db: TenantDb, ids: readonly string[]): Promise<void> {
  const statements = markSentStatements(db, ids);
  if (statements.length > 0) await db.batch(statements);
}

const unsentRow = z.object({
  id: z.string(),
  tenant_id: z.string(),
  hook: z.string(),
  plugin_slug: z.string().nullable(),
  payload: z.string(),
  created_at: z.string(),
  queue: z.enum(["hook-events", "analytics-events"]),
  trace_id: z.string().nullable(),
});

/**
 * The re-drive: sends events still unsent `olderThanSeconds` after they were written (their send failed,
 * or the Worker stopped between commit and send). A row sent twice is harmless: deliveries are idempotent.
 */
export async function redriveOutbox(
  db: TenantDb,
  queues: OutboxQueues,
  log: Logger,
  { olderThanSeconds = 60, limit = 500 } = {},
): Promise<number> {
  const cutoff = new Date(Date.now() - olderThanSeconds * 1000).toISOString();
  const { results } = await db
    .prepare(
      `SELECT id, tenant_id, hook, plugin_slug, payload, created_at, queue, trace_id FROM outbox
        WHERE sent_at IS NULL AND created_at <= ? ORDER BY created_at LIMIT ?`,
    )
    .bind(cutoff, limit)
    .all();
  const events: OutboxEvent[] = results.map((raw) => {
    const row = unsentRow.parse(raw);
    const inline = row.payload.length <= INLINE_PAYLOAD_BYTES;
    return {
      // already committed: nothing to write again
      statement: db.prepare("SELECT 1"),
      queue: row.queue,
      message: {
        type: "event",
        id: row.id,
        tenant_id: row.tenant_id,
        hook: row.hook,
        plugin_slug: row.plugin_slug,
        ...(inline ? { payload: JSON.parse(row.payload) as unknown } : {}),
        created_at: row.created_at,
        trace_id: row.trace_id,
      },
    };
  });
  if (events.length > 0) log.warn({ events: events.length }, "re-driving unsent outbox events");
  await flushOutbox(db, queues, events, log);
  return events.length;
}

/** An event's payload: inline in the message, or read from its outbox row when it was too large. */
export async function eventPayload(db: TenantDb, event: HookEventMessage): Promise<unknown> {
  if (event.payload !== undefined) return event.payload;
  const row = await db.prepare("SELECT payload FROM outbox WHERE id = ?").bind(event.id).first<{ payload: string }>();
  if (!row) throw new Error(`outbox row ${event.id} is missing; its payload cannot be read`);
  return JSON.parse(row.payload) as unknown;
}
