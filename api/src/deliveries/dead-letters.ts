/**
 * Dead letters: what the dead-letter queues' consumer recorded (the message as it was,
 * its attempts and its last error), listed by plugin and hook, replayed or purged by an admin.
 */

import { z } from "zod";
import { type DeadLetterView, deadLetterSchema } from "../admin/answers/index.ts";
import type { ApiEnv } from "../env.ts";
import { ledgerDb, type TenantDb } from "../ledger/index.ts";
import type { DeliveryMessage } from "./messages.ts";
import { reopenDelivery } from "./store.ts";

export interface DeadLetter {
  queue: string;
  tenantId: string | null;
  deliveryId: string | null;
  eventId: string | null;
  pluginSlug: string | null;
  hook: string | null;
  body: unknown;
  attempts: number;
  lastError: string | null;
}

/** Records a dead letter, once per delivery: a dead-letter message delivered twice is recorded once. */
export function recordDeadLetter(db: TenantDb, id: string, letter: DeadLetter): D1PreparedStatement {
  return db
    .prepare(
      `INSERT OR IGNORE INTO dead_letters
         (id, queue, tenant_id, delivery_id, event_id, plugin_slug, hook, body, attempts, last_error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      id,
      letter.queue,
      letter.tenantId,
      letter.deliveryId,
      letter.eventId,
      letter.pluginSlug,
      letter.hook,
      JSON.stringify(letter.body),
      letter.attempts,
      letter.lastError,
    );
}

// the dead letter's answer shape is the admin API's (admin/answers), shared with the CLI and the dashboard
export { type DeadLetterView, deadLetterSchema };

export const deadLetterFilter = z.object({
  plugin: z.string().optional(),
  hook: z.string().optional(),
  /** Include letters already replayed. */
  all: z.enum(["true", "false"]).optional(),
});
export type DeadLetterFilter = z.infer<typeof deadLetterFilter>;

function where(tenantId: string, filter: DeadLetterFilter): { sql: string; params: unknown[] } {
  const clauses = ["tenant_id = ?"];
  const params: unknown[] = [tenantId];
  if (filter.plugin) {
    clauses.push("plugin_slug = ?");
    params.push(filter.plugin);
  }
  if (filter.hook) {
    clauses.push("hook = ?");
    params.push(filter.hook);
  }
  if (filter.all !== "true") clauses.push("replayed_at IS NULL");
  return { sql: clauses.join(" AND "), params };
}

export async function listDeadLetters(
  db: TenantDb,
  tenantId: string,
  filter: DeadLetterFilter,
  limit = 100,
): Promise<DeadLetterView[]> {
  const w = where(tenantId, filter);
  const { results } = await db
    .prepare(
      `SELECT id, queue, delivery_id, event_id, plugin_slug, hook, body, attempts, last_error, created_at, replayed_at
         FROM dead_letters WHERE ${w.sql} ORDER BY created_at DESC LIMIT ?`,
    )
    .bind(...w.params, limit)
    .all<Record<string, unknown>>();
  return results.map((row) => deadLetterSchema.parse({ ...row, body: JSON.parse(String(row.body)) }));
}

/** Deletes open dead letters matching the filter (or one by id); returns how many. */
export async function purgeDeadLetters(
  db: TenantDb,
  tenantId: string,
  filter: DeadLetterFilter & { id?: string },
): Promise<number> {
  const w = where(tenantId, filter);
  const byId = filter.id ? " AND id = ?" : "";
  const result = await db
    .prepare(`DELETE FROM dead_letters WHERE ${w.sql}${byId}`)
    .bind(...w.params, ...(filter.id ? [filter.id] : []))
    .run();
  return result.meta.changes;
}

const replayable = z.object({
  id: z.string(),
  queue: z.string(),
  delivery_id: z.string().nullable(),
  body: z.string(),
});

/** The queue a replayed letter goes back to, by the dead-letter queue it came from. */
function sourceQueue(env: Pick<ApiEnv, "HOOK_EVENTS" | "ANALYTICS_EVENTS">, dlq: string): Queue<unknown> | null {
  if (dlq === "hook-events-dlq") return env.HOOK_EVENTS;
  if (dlq === "analytics-events-dlq") return env.ANALYTICS_EVENTS;
  return null;
}

export interface ReplayResult {
  replayed: string[];
  /** Letters of a queue this endpoint does not replay (webhook deliveries replay through their endpoint). */
  skipped: { id: string; reason: string }[];
}

/**
 * Replays open dead letters: each delivery gets a fresh run of attempts and its message goes
 * back to its queue. Deliveries that already succeeded stay untouched (idempotency).
 */
export async function replayDeadLetters(
  env: Pick<ApiEnv, "LEDGER" | "HOOK_EVENTS" | "ANALYTICS_EVENTS">,
  tenantId: string,
  filter: DeadLetterFilter & { id?: string },
): Promise<ReplayResult> {
  const db = ledgerDb(env, tenantId);
  const w = where(tenantId, { ...filter, all: "false" });
  const byId = filter.id ? " AND id = ?" : "";
  const { results } = await db
    .prepare(
      `SELECT id, queue, delivery_id, body FROM dead_letters WHERE ${w.sql}${byId} ORDER BY created_at LIMIT 500`,
    )
    .bind(...w.params, ...(filter.id ? [filter.id] : []))
    .all();
  const result: ReplayResult = { replayed: [], skipped: [] };
  for (const raw of results) {
    const letter = replayable.parse(raw);
    const queue = sourceQueue(env, letter.queue);
    if (!queue) {
      result.skipped.push({ id: letter.id, reason: `${letter.queue} letters replay through /api/admin/webhooks` });
      continue;
    }
    const at = new Date().toISOString();
    await db.batch([
      ...(letter.delivery_id ? [reopenDelivery(db, letter.delivery_id)] : []),
      db.prepare("UPDATE dead_letters SET replayed_at = ? WHERE id = ?").bind(at, letter.id),
    ]);
    const body = JSON.parse(letter.body) as Partial<DeliveryMessage>;
    const { last_error: _, ...message } = body;
    await queue.send({ ...message, deferrals: 0 }, { contentType: "json" });
    result.replayed.push(letter.id);
  }
  return result;
}
