/**
 * After hooks and analytics events, as the operations that cause them write them: an
 * outbox row committed in the same D1 batch as the business change, sent to its queue
 * once the batch commits. A failed send is re-driven by the scheduled handler.
 */
import { eventDataSchema, type HookName, type HookPayload } from "@digital-commerce/plugin-sdk";
import { flushOutbox, type OutboxEvent, outboxEvent } from "../outbox/index.ts";
import type { HookRun } from "./before-chain.ts";
import { RunJournal } from "./journal.ts";

/**
 * The outbox row of a notification hook, for the batch that makes the change it reports.
 *
 * @example
 * await commitWithEvents(run, [insertProduct], [notification(run, "after_product_create", { product })]);
 */
export function notification<H extends HookName>(run: HookRun, hook: H, payload: HookPayload<H>): OutboxEvent {
  return outboxEvent(run.db, run.tenantId, hook, null, payload, run.traceId);
}

/**
 * The outbox row of an analytics event, for the tenant's active analytics plugins.
 *
 * @example
 * analyticsEvent(run, { event: "order_completed", properties: { total: 42 } });
 */
export function analyticsEvent(
  run: HookRun,
  data: { event: string; properties?: Record<string, unknown>; user_id?: string; session_id?: string },
): OutboxEvent {
  const event = eventDataSchema.parse({ timestamp: new Date().toISOString(), ...data });
  return outboxEvent(run.db, run.tenantId, `analytics:${event.event}`, null, event, run.traceId);
}

/**
 * Commits the statements and the events' rows in one ledger transaction, with what the request's
 * journal holds for the tenant (journal.ts), and returns the statements' results; the events are sent
 * after the answer (under the request's waitUntil), since the committed outbox row already guarantees
 * them: a send that fails or never happens is re-driven by the ledger's alarm. The consumer that
 * receives an event marks it sent, in the ledger call it makes for the event anyway (fan-out,
 * analytics), so the request spends no call on the mark; a row nobody received is exactly what the
 * re-drive should send again.
 */
export async function commitWithEvents(
  run: HookRun,
  statements: D1PreparedStatement[],
  events: OutboxEvent[],
): Promise<D1Result[]> {
  const { env, log } = run.deps;
  const ridden = run.journal?.take(run.tenantId);
  const journal = ridden ? RunJournal.statements(run.db, ridden) : [];
  let results: D1Result[];
  try {
    results = await run.db.batch([...statements, ...events.map((e) => e.statement), ...journal]);
  } catch (error) {
    if (ridden) run.journal?.giveBack(ridden);
    throw error;
  }
  if (events.length > 0) {
    run.deps.waitUntil(flushOutbox(run.db, env, events, log, () => undefined));
  }
  return results.slice(0, statements.length);
}
