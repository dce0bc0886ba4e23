/**
 * Consumes the webhook-deliveries queue: one attempt per message, each message acked or retried on its
 * own. The schedule, the dead-lettering and the disable rule live in api/src/webhooks (schedule.ts):
 * this consumer only turns each attempt's outcome into ack or retry.
 */
import type { Logger } from "../../api/src/logging/index.ts";
import { attemptDelivery, webhookDeliveryMessage } from "../../api/src/webhooks/index.ts";
import type { ConsumerEnv } from "./env.ts";

// Workers keep at most 6 connections open per invocation and queue the rest; more in flight only waits
const CONCURRENCY = 6;

export async function consumeWebhookDeliveries(
  batch: MessageBatch<unknown>,
  env: ConsumerEnv,
  _ctx: ExecutionContext,
  log: Logger,
): Promise<void> {
  const queue = [...batch.messages];
  const worker = async () => {
    for (let message = queue.shift(); message; message = queue.shift()) await consume(message, env, log);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
}

async function consume(message: Message<unknown>, env: ConsumerEnv, log: Logger): Promise<void> {
  const parsed = webhookDeliveryMessage.safeParse(message.body);
  if (!parsed.success) {
    // no retry can make it parse: straight to the dead-letter queue, where it is recorded as it came
    log.error({ message_id: message.id, issues: parsed.error.issues }, "malformed webhook delivery message");
    try {
      await env.WEBHOOK_DELIVERIES_DLQ.send(message.body, { contentType: "json" });
      message.ack();
    } catch (error) {
      log.error({ err: error, message_id: message.id }, "could not dead-letter a malformed message; retrying it");
      message.retry({ delaySeconds: 10 });
    }
    return;
  }
  const { delivery_id, tenant_id, endpoint_id } = parsed.data;
  try {
    const outcome = await attemptDelivery(env, parsed.data, log.child({ tenant: tenant_id }));
    if (outcome.action === "ack") message.ack();
    else message.retry({ delaySeconds: outcome.delaySeconds });
  } catch (error) {
    // D1 or the queue failed, not the endpoint: the attempt is not counted, and the message comes back
    log.error({ err: error, delivery_id, endpoint_id, tenant: tenant_id }, "webhook delivery attempt could not run");
    message.retry({ delaySeconds: 10 });
  }
}
