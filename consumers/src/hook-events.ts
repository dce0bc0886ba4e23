/**
 * Consumes the hook-events queue. Each message is handled and acknowledged on its
 * own, so one bad message never re-runs the rest of its batch. A message that does
 * not parse is retried and, once its retries are spent, lands in the dead-letter queue.
 */

import type { Logger } from "../../api/src/logging/index.ts";
import { hookEventMessage } from "../../api/src/outbox/index.ts";

export async function consumeHookEvents(batch: MessageBatch<unknown>, log: Logger): Promise<void> {
  for (const message of batch.messages) {
    const parsed = hookEventMessage.safeParse(message.body);
    if (!parsed.success) {
      log.error(
        { message_id: message.id, attempts: message.attempts, issues: parsed.error.issues },
        "malformed hook event",
      );
      message.retry();
      continue;
    }
    const event = parsed.data;
    log.info(
      {
        event_id: event.id,
        tenant: event.tenant_id,
        plugin: event.plugin_slug,
        hook: event.hook,
        attempts: message.attempts,
      },
      "hook event received",
    );
    message.ack();
  }
}
