/** The messages of the hook-events queue besides events: one delivery of one event to one plugin. */
import { z } from "zod";
import { hookEventMessage } from "../outbox/index.ts";

export const deliveryMessage = z.object({
  type: z.literal("delivery"),
  /** The delivery's id: its idempotency key, stable across retries and replays. */
  delivery_id: z.string(),
  event_id: z.string(),
  tenant_id: z.string(),
  plugin_slug: z.string(),
  hook: z.string(),
  /** Absent when too large to travel inline: read from the event's outbox row. */
  payload: z.unknown().optional(),
  /** The trace of the request that caused the event: what the delivery's own writes are traced under. */
  trace_id: z.string().nullish(),
  /** Times the fair-share plan moved this message to the bulk lane to let other tenants go first. */
  deferrals: z.number().int().nonnegative().default(0),
  /** Set on the copy sent to the dead-letter queue. */
  last_error: z.string().optional(),
});
export type DeliveryMessage = z.infer<typeof deliveryMessage>;

/** Anything on the hook-events queue. Events written before `type` existed parse as events. */
export const hookQueueMessage = z.union([deliveryMessage, hookEventMessage]);
export type HookQueueMessage = z.infer<typeof hookQueueMessage>;

/**
 * The idempotency key of (event, plugin, hook): the same on every copy of the message. It is a path
 * segment of the admin API (dead letters), so a hook that holds a path (`webhook:/stripe`) is written
 * without its slashes.
 */
export function deliveryId(eventId: string, pluginSlug: string, hook: string): string {
  return `dlv_${eventId}_${pluginSlug}_${hook.replaceAll("/", "~")}`;
}
