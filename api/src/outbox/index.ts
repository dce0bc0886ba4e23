/**
 * The outbox: an event is written in the same D1 batch as the change it
 * describes, then sent to the hook-events queue and marked sent. A send that
 * fails leaves the row unsent, so nothing is lost between the write and the queue.
 */
import type { HookName } from "@digital-commerce/plugin-sdk";
import { z } from "zod";
import type { Logger } from "../logging/index.ts";

/** The message on the hook-events queue; the consumer parses it with this schema. */
export const hookEventMessage = z.object({
  id: z.string(),
  tenant_id: z.string(),
  hook: z.string(),
  plugin_slug: z.string().nullable(),
  payload: z.unknown(),
  created_at: z.string(),
});
export type HookEventMessage = z.infer<typeof hookEventMessage>;

/** A catalogue hook, or an event a plugin emitted (`event:<name>`). */
export type OutboxTopic = HookName | `event:${string}`;

export interface OutboxEvent {
  statement: D1PreparedStatement;
  message: HookEventMessage;
}

/** The INSERT to put in the caller's batch, and the message to send once it commits. */
export function outboxEvent(
  db: D1Database,
  tenantId: string,
  hook: OutboxTopic,
  pluginSlug: string | null,
  payload: unknown,
): OutboxEvent {
  const message: HookEventMessage = {
    id: crypto.randomUUID(),
    tenant_id: tenantId,
    hook,
    plugin_slug: pluginSlug,
    payload,
    created_at: new Date().toISOString(),
  };
  const statement = db
    .prepare("INSERT INTO outbox (id, tenant_id, hook, plugin_slug, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(message.id, tenantId, hook, pluginSlug, JSON.stringify(payload), message.created_at);
  return { statement, message };
}

/** Sends committed events and marks them sent; a failed send is logged and left for the re-drive. */
export async function flushOutbox(
  db: D1Database,
  queue: Queue<unknown>,
  events: readonly OutboxEvent[],
  log: Logger,
): Promise<void> {
  if (events.length === 0) return;
  try {
    await queue.sendBatch(events.map((e) => ({ body: e.message, contentType: "json" as const })));
  } catch (error) {
    log.error({ err: error, events: events.map((e) => e.message.id) }, "outbox send failed; events stay unsent");
    return;
  }
  const ids = events.map((e) => e.message.id);
  await db
    .prepare(`UPDATE outbox SET sent_at = ? WHERE id IN (${ids.map(() => "?").join(", ")})`)
    .bind(new Date().toISOString(), ...ids)
    .run();
}
