/**
 * The queued half of a verified inbound webhook: the event goes to the webhook's handler module, or to
 * the category's handleWebhook(event.type, event). A payment plugin's answer is what the provider says
 * the payment is now (re-read from the provider, not taken from the event, so events out of order do no
 * harm); the platform applies it to the payment with compare-and-set, so this path and the client's
 * never double-capture or fire a payment's hooks twice. Any failure fails the attempt: it is retried,
 * then dead-lettered, and a replay runs it again.
 */

import { paymentUpdateSchema, type WebhookEvent, webhookEventSchema } from "@digital-commerce/plugin-sdk";
import type { Invocation } from "@digital-commerce/plugin-sdk/runtime";
import { applyPaymentUpdate } from "../../api/src/commerce/index.ts";
import type { DeliveryMessage } from "../../api/src/deliveries/index.ts";
import { describeIssues, fieldIssues } from "../../api/src/errors/index.ts";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { WEBHOOK_TOPIC_PREFIX } from "../../api/src/outbox/index.ts";
import { invokePlugin, type SandboxDeps, SandboxError, type SandboxTarget } from "../../api/src/sandbox/index.ts";

export async function runWebhook(
  deps: SandboxDeps,
  target: SandboxTarget,
  message: DeliveryMessage,
  delivery: NonNullable<Invocation["delivery"]>,
  payload: unknown,
): Promise<void> {
  const path = message.hook.slice(WEBHOOK_TOPIC_PREFIX.length);
  const webhook = target.manifest.webhooks.find((w) => w.path === path);
  if (!webhook) throw new Error(`${target.slug}@${target.version} has no webhook ${path} any more`);
  const event: WebhookEvent = webhookEventSchema.parse(payload);
  const handler = webhook.handler;
  const result = await invokePlugin(deps, target, {
    kind: "webhook",
    name: `handle ${path}`,
    delivery,
    ...(message.trace_id ? { traceId: message.trace_id } : {}),
    run: (worker, invocation) =>
      handler
        ? worker.runHook(handler, event, invocation)
        : worker.runMethod("handleWebhook", [event.type, event], invocation),
  });
  if (target.manifest.category !== "payment" || result === undefined || result === null) return;
  const update = paymentUpdateSchema.safeParse(result);
  if (!update.success) {
    throw new SandboxError(
      "PLUGIN_FAILED",
      `${target.slug} answered webhook ${event.type} with something that is not a payment update: ${describeIssues(fieldIssues(update.error))}`,
      { plugin: target.slug, event: event.id },
    );
  }
  await applyPaymentUpdate(
    {
      tenantId: target.tenant.id,
      traceId: message.trace_id ?? `whk:${message.event_id}`,
      deps,
      db: ledgerDb(deps.env, target.tenant.id),
    },
    target.slug,
    update.data,
  );
}
