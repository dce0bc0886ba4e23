/**
 * Consumes the hook-events queue and its bulk lane: events are fanned out to one delivery
 * message per subscribing plugin (one ledger call per tenant for a batch's events); deliveries run
 * under the fair-share plan, in waves claimed and recorded with one ledger call each per tenant
 * (deliveries-wave.ts). Every message is acked, retried (with its own backoff) or dead-lettered on its
 * own, never the whole batch.
 */

import {
  type DeliveryMessage,
  deliveryMessage,
  hookQueueMessage,
  recordDeadLetter,
} from "../../api/src/deliveries/index.ts";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import type { HookEventMessage } from "../../api/src/outbox/index.ts";
import type { SandboxDeps } from "../../api/src/sandbox/index.ts";
import { runDeliveries } from "./deliveries-wave.ts";
import type { ConsumerEnv } from "./env.ts";
import { DEFAULT_SHARE, planBatch } from "./fair-share.ts";
import { fanOutTenant } from "./fan-out.ts";
import type { Verdict } from "./run-delivery.ts";

type Deps = SandboxDeps & { env: ConsumerEnv };

function shareOf(env: ConsumerEnv): number {
  const n = Number(env.TENANT_BATCH_SHARE);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_SHARE;
}

const retryEvent = (message: Message<unknown>) => message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });

/** One tenant's events: fanned out in one ledger call, their deliveries queued, then acked together. */
async function consumeTenantEvents(deps: Deps, tenantId: string, events: [Message<unknown>, HookEventMessage][]) {
  try {
    const messages = await fanOutTenant(
      deps.env,
      tenantId,
      events.map(([, event]) => event),
    );
    for (let i = 0; i < messages.length; i += 100) {
      await deps.env.HOOK_EVENTS.sendBatch(
        messages.slice(i, i + 100).map((body) => ({ body, contentType: "json" as const })),
      );
    }
    deps.log.debug({ tenant: tenantId, events: events.length, deliveries: messages.length }, "events fanned out");
    for (const [message] of events) message.ack();
  } catch (error) {
    deps.log.error(
      { err: error, tenant: tenantId, events: events.map(([, e]) => e.id) },
      "fan-out failed; retrying the events",
    );
    for (const [message] of events) retryEvent(message);
  }
}

async function consumeEvents(deps: Deps, events: [Message<unknown>, HookEventMessage][]) {
  const groups = new Map<string, [Message<unknown>, HookEventMessage][]>();
  for (const item of events) groups.set(item[1].tenant_id, [...(groups.get(item[1].tenant_id) ?? []), item]);
  await Promise.all([...groups].map(([tenantId, items]) => consumeTenantEvents(deps, tenantId, items)));
}

async function deadLetter(deps: Deps, message: Message<unknown>, body: DeliveryMessage, error: string) {
  const letter = { ...body, last_error: error };
  try {
    await deps.env.HOOK_EVENTS_DLQ.send(letter, { contentType: "json" });
  } catch (sendError) {
    // the dead-letter queue did not take it: record it directly rather than lose it
    deps.log.error({ err: sendError, delivery: body.delivery_id }, "dead-letter send failed; recording directly");
    await recordDeadLetter(ledgerDb(deps.env, body.tenant_id), body.delivery_id, {
      queue: "hook-events-dlq",
      tenantId: body.tenant_id,
      deliveryId: body.delivery_id,
      eventId: body.event_id,
      pluginSlug: body.plugin_slug,
      hook: body.hook,
      body: letter,
      attempts: message.attempts,
      lastError: error,
    }).run();
  }
  message.ack();
}

/** What the queue does with a delivery's message once its outcome is recorded. */
async function settle(deps: Deps, message: Message<unknown>, body: DeliveryMessage, verdict: Verdict) {
  try {
    if (verdict.action === "ack") message.ack();
    else if (verdict.action === "retry") message.retry({ delaySeconds: verdict.delaySeconds });
    else await deadLetter(deps, message, body, verdict.error);
  } catch (error) {
    deps.log.error({ err: error, delivery: body.delivery_id }, "delivery could not be settled; retrying");
    message.retry({ delaySeconds: Math.min(300, 5 * message.attempts) });
  }
}

/** Moves a tenant's deliveries past its share to the bulk lane, as new messages: moving never spends a retry. */
async function moveToBulk(deps: Deps, overflow: [Message<unknown>, DeliveryMessage][]) {
  for (let i = 0; i < overflow.length; i += 100) {
    const chunk = overflow.slice(i, i + 100);
    try {
      await deps.env.HOOK_EVENTS_BULK.sendBatch(
        chunk.map(([, body]) => ({ body: { ...body, deferrals: body.deferrals + 1 }, contentType: "json" as const })),
      );
      for (const [message] of chunk) message.ack();
    } catch (error) {
      deps.log.error({ err: error }, "could not move deliveries to the bulk lane; retrying them here");
      for (const [message] of chunk) message.retry({ delaySeconds: 1 });
    }
  }
}

/** Which lane a batch came from: the main lane applies the per-tenant share, the bulk lane runs what it gets. */
export type Lane = "main" | "bulk";

export async function consumeHookEvents(batch: MessageBatch<unknown>, deps: Deps, lane: Lane = "main"): Promise<void> {
  const deliveries: [Message<unknown>, DeliveryMessage][] = [];
  const events: [Message<unknown>, HookEventMessage][] = [];
  for (const message of batch.messages) {
    const parsed = hookQueueMessage.safeParse(message.body);
    if (!parsed.success) {
      deps.log.error(
        { message_id: message.id, attempts: message.attempts, issues: parsed.error.issues },
        "malformed hook-events message; it goes to the dead-letter queue once its retries are spent",
      );
      message.retry();
      continue;
    }
    const body = parsed.data;
    if (body.type === "delivery") deliveries.push([message, deliveryMessage.parse(body)]);
    else events.push([message, body]);
  }
  const share = lane === "main" ? shareOf(deps.env) : Number.POSITIVE_INFINITY;
  // the share is per tenant and plugin: one plugin's flood holds back neither another tenant nor the
  // same tenant's other plugins
  const plan = planBatch(deliveries, ([, body]) => `${body.tenant_id}\u0000${body.plugin_slug}`, share);
  await Promise.all([
    consumeEvents(deps, events),
    runDeliveries(deps, plan.run, (message, body, verdict) => settle(deps, message, body, verdict)),
    moveToBulk(deps, plan.overflow),
  ]);
}
