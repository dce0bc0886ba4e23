/**
 * A batch's events become one delivery per subscribing active plugin (and one per subscribed webhook
 * endpoint), each a message of its own: a failing plugin is retried alone and never re-runs another
 * plugin's handler. One tenant's events are fanned out in ONE call to its ledger, computed from the
 * consumer's view of the tenant's plugins and written only if that view is still current (otherwise the
 * ledger answers with the current view and the deliveries are computed again). Delivery ids are
 * deterministic, so fanning the same event out twice (a duplicated or re-driven message) creates
 * nothing new.
 */

import type { HookRegistration } from "@digital-commerce/plugin-sdk";
import {
  type DeliveryMessage,
  deliveryId,
  type FanOutAnswer,
  type NewDelivery,
  retryPolicy,
} from "../../api/src/deliveries/index.ts";
import { runLedger } from "../../api/src/ledger/index.ts";
import { type HookEventMessage, WEBHOOK_TOPIC_PREFIX } from "../../api/src/outbox/index.ts";
import { knownVersion } from "../../api/src/registry/index.ts";
import { enqueueWebhookDeliveries, subscribes } from "../../api/src/webhooks/index.ts";
import type { ConsumerEnv } from "./env.ts";
import { adoptView, type CachedView, heldView } from "./tenant-views.ts";

/** Views that changed under a fan-out this many times in a row mean something is wrong: the batch retries. */
const MAX_ROUNDS = 4;

/** A verified inbound webhook goes to the plugin that verified it, and to no other. */
async function webhookDeliveries(env: ConsumerEnv, view: CachedView, event: HookEventMessage, slug: string) {
  const path = event.hook.slice(WEBHOOK_TOPIC_PREFIX.length);
  // active or not: a verified event is never dropped for a plugin deactivated since; its delivery
  // fails and waits in the dead letters
  const installation = view.installations.get(slug);
  const version = installation ? await knownVersion(env.DB, slug, installation.version) : null;
  const webhook = version?.manifest.webhooks.find((w) => w.path === path);
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

/** The active plugins' registrations of each hook, from the view's installations and the catalogue. */
async function registrations(env: ConsumerEnv, view: CachedView) {
  const active = [...view.installations.values()].filter((i) => i.state === "active");
  const versions = await Promise.all(active.map((i) => knownVersion(env.DB, i.slug, i.version)));
  return versions.flatMap((v) =>
    v ? v.manifest.hooks.map((registration) => ({ slug: v.slug, registration })) : [],
  ) as { slug: string; registration: HookRegistration }[];
}

async function deliveriesOf(env: ConsumerEnv, view: CachedView, events: readonly HookEventMessage[]) {
  const subscribed = await registrations(env, view);
  const deliveries: NewDelivery[] = [];
  for (const event of events) {
    if (event.hook.startsWith(WEBHOOK_TOPIC_PREFIX) && event.plugin_slug) {
      deliveries.push(...(await webhookDeliveries(env, view, event, event.plugin_slug)));
      continue;
    }
    // a plugin with several handlers of the hook gets one delivery that runs them in order
    const bySlug = new Map<string, NewDelivery>();
    for (const { slug, registration } of subscribed) {
      if (registration.name !== event.hook) continue;
      const maxAttempts = retryPolicy(env, registration.max_attempts).maxAttempts;
      bySlug.set(slug, {
        id: deliveryId(event.id, slug, event.hook),
        eventId: event.id,
        tenantId: event.tenant_id,
        pluginSlug: slug,
        hook: event.hook,
        maxAttempts: Math.max(bySlug.get(slug)?.maxAttempts ?? 1, maxAttempts),
      });
    }
    deliveries.push(...bySlug.values());
  }
  return deliveries;
}

/** The delivery messages of one tenant's events, their rows written; webhook endpoints' deliveries queued. */
export async function fanOutTenant(
  env: ConsumerEnv,
  tenantId: string,
  events: readonly HookEventMessage[],
): Promise<DeliveryMessage[]> {
  let view = heldView(tenantId);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const deliveries = view ? await deliveriesOf(env, view, events) : [];
    const answer: FanOutAnswer = await runLedger(env, tenantId, "fanOut", {
      tenantId,
      known: view?.generation ?? null,
      deliveries,
      sent: events.map((e) => e.id),
    });
    if (answer.stale) {
      view = adoptView(tenantId, answer.stale);
      continue;
    }
    // the endpoints as of the same generation the ledger just confirmed: queried only when one subscribes
    const current = view as CachedView;
    for (const event of events) {
      if (current.endpoints.some((e) => subscribes(e.events, event.hook))) await enqueueWebhookDeliveries(env, event);
    }
    const payloads = new Map(events.map((e) => [e.id, e]));
    return deliveries.map((d) => {
      const event = payloads.get(d.eventId) as HookEventMessage;
      return {
        type: "delivery",
        delivery_id: d.id,
        event_id: d.eventId,
        tenant_id: d.tenantId,
        plugin_slug: d.pluginSlug,
        hook: d.hook,
        ...(event.payload === undefined ? {} : { payload: event.payload }),
        ...(event.trace_id ? { trace_id: event.trace_id } : {}),
        deferrals: 0,
      };
    });
  }
  throw new Error(`the plugins of ${tenantId} changed ${MAX_ROUNDS} times during one fan-out`);
}
