/**
 * Consumes the three dead-letter queues: records every message in D1 with its body, its
 * attempts and its last error, where the admin API lists, replays and purges them. A message
 * lands here when our retry policy gave up on it, or when Queues' own max_retries backstop did.
 */

import { z } from "zod";
import { recordDeadLetter } from "../../api/src/deliveries/index.ts";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import type { Logger } from "../../api/src/logging/index.ts";
import type { ConsumerEnv } from "./env.ts";

// the fields our messages share; anything else in the body is kept as it is
const letterFields = z.looseObject({
  delivery_id: z.string().optional(),
  event_id: z.string().optional(),
  id: z.string().optional(),
  tenant_id: z.string().optional(),
  plugin_slug: z.string().nullish(),
  hook: z.string().optional(),
  last_error: z.string().optional(),
  /** The delivery's own count of attempts, where its message carries one (webhook deliveries). */
  attempts: z.number().int().optional(),
});

const deliveryState = z.object({ attempts: z.number(), last_error: z.string().nullable() });

/** The ledger that keeps dead letters whose message names no tenant. */
export const UNATTRIBUTED = "_unattributed";

export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: ConsumerEnv, log: Logger): Promise<void> {
  for (const message of batch.messages) {
    const fields = letterFields.safeParse(message.body);
    const f = fields.success ? fields.data : {};
    try {
      // a message that names no tenant (never one of ours) is kept apart, in a ledger of its own
      const db = ledgerDb(env, f.tenant_id ?? UNATTRIBUTED);
      const statements: D1PreparedStatement[] = [];
      let attempts = f.attempts ?? message.attempts;
      let lastError = f.last_error ?? null;
      if (f.delivery_id) {
        const row = await db
          .prepare("SELECT attempts, last_error FROM deliveries WHERE id = ?")
          .bind(f.delivery_id)
          .first();
        if (row) {
          const state = deliveryState.parse(row);
          attempts = f.attempts ?? state.attempts;
          lastError ??= state.last_error;
        }
        // Queues' backstop may have moved it here while our row still said pending or running
        statements.push(
          db
            .prepare("UPDATE deliveries SET status = 'dead', lease_until = NULL WHERE id = ? AND status != 'succeeded'")
            .bind(f.delivery_id),
        );
      }
      // one letter per delivery and round of attempts: a duplicated dead-letter message is recorded once
      const id = f.delivery_id ? `${f.delivery_id}.${attempts}` : message.id;
      statements.push(
        recordDeadLetter(db, id, {
          queue: batch.queue,
          tenantId: f.tenant_id ?? null,
          deliveryId: f.delivery_id ?? null,
          eventId: f.event_id ?? (f.delivery_id ? null : (f.id ?? null)),
          pluginSlug: f.plugin_slug ?? null,
          hook: f.hook ?? null,
          body: message.body,
          attempts,
          lastError: lastError ?? "gave up after the queue's max_retries",
        }),
      );
      await db.batch(statements);
      log.warn(
        { queue: batch.queue, delivery: f.delivery_id, plugin: f.plugin_slug, hook: f.hook },
        "dead letter recorded",
      );
      message.ack();
    } catch (error) {
      log.error({ err: error, message_id: message.id }, "could not record a dead letter; retrying");
      message.retry({ delaySeconds: 5 });
    }
  }
}
