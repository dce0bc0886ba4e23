/**
 * An event becomes one delivery per subscribing active plugin (and one per subscribed
 * webhook endpoint), each a message of its own: a failing plugin is retried alone and
 * never re-runs another plugin's handler. Delivery ids are deterministic, so fanning the
 * same event out twice (a duplicated or re-driven message) creates nothing new.
 */

import {
  type DeliveryMessage,
  deliveryId,
  insertDeliveries,
  type NewDelivery,
  retryPolicy,
} from "../../api/src/deliveries/index.ts";
import { registrationsOf, webhookRegistrationOf } from "../../api/src/hooks/index.ts";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { type HookEventMessage, WEBHOOK_TOPIC_PREFIX } from "../../api/src/outbox/index.ts";
import type { ConsumerEnv } from "./env.ts";

/** A verified inbound webhook goes to the plugin that verified it, and to no other. */
async function webhookDeliveries(env: ConsumerEnv, event: HookEventMessage, slug: string): Promise<NewDelivery[]> {
  const path = event.hook.slice(WEBHOOK_TOPIC_PREFIX.length);
  const webhook = await webhookRegistrationOf(env, event.tenant_id, slug, path);
  return [
    {
      id: deliveryId(event.id, slug, event.hook),
      eventId: event.id,
      tenantId: event.tenant_id,
      pluginSlug: slug,
      hook: event.hook,
      maxAttempts: retryPolicy(env, webhook?.max_attempts).maxAttempts,
    },
  ];
}

async function hookDeliveries(env: ConsumerEnv, event: HookEventMessage): Promise<NewDelivery[]> {
  // read now, not from a cache: an event must reach a plugin activated a moment before
  const subscriptions = await registrationsOf(env, event.tenant_id, event.hook);
  // a plugin with several handlers of the hook gets one delivery that runs them in order
  const bySlug = new Map<string, NewDelivery>();
  for (const { slug, registration } of subscriptions) {
    const maxAttempts = retryPolicy(env, registration.max_attempts).maxAttempts;
    const existing = bySlug.get(slug);
    bySlug.set(slug, {
      id: deliveryId(event.id, slug, event.hook),
      eventId: event.id,
      tenantId: event.tenant_id,
      pluginSlug: slug,
      hook: event.hook,
      maxAttempts: Math.max(existing?.maxAttempts ?? 1, maxAttempts),
    });
  }
  return [...bySlug.values()];
}

export async function fanOut(env: ConsumerEnv, event: HookEventMessage): Promise<number> {
  const deliveries =
    event.hook.startsWith(WEBHOOK_TOPIC_PREFIX) && event.plugin_slug
      ? await webhookDeliveries(env, event, event.plugin_slug)
      : await hookDeliveries(env, event);
  if (deliveries.length === 0) return 0;
  const db = ledgerDb(env, event.tenant_id);
  await db.batch(insertDeliveries(db, deliveries));
  const messages: DeliveryMessage[] = deliveries.map((d) => ({
    type: "delivery",
    delivery_id: d.id,
    event_id: d.eventId,
    tenant_id: d.tenantId,
    plugin_slug: d.pluginSlug,
    hook: d.hook,
    ...(event.payload === undefined ? {} : { payload: event.payload }),
    ...(event.trace_id ? { trace_id: event.trace_id } : {}),
    deferrals: 0,
  }));
  for (let i = 0; i < messages.length; i += 100) {
    await env.HOOK_EVENTS.sendBatch(messages.slice(i, i + 100).map((body) => ({ body, contentType: "json" as const })));
  }
  return deliveries.length;
}
