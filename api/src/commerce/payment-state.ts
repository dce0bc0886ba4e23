/**
 * One writer per payment. Whatever reports a payment's state (the plugin's synchronous answer to
 * process, capture, cancel or refund; its webhook handler; a refresh) goes through
 * applyPaymentUpdate, which moves the payment only forwards and commits with compare-and-set on
 * the state it read, the change and its hooks in one D1 batch. Two reports racing (the client's
 * confirmation and the provider's webhook) therefore commit once: the loser's batch rolls back
 * whole, re-reads, and finds nothing left to do. So after_payment_success and
 * after_payment_failure fire exactly once per payment, whatever the order reports come in.
 */

import {
  type Payment,
  type PaymentFailure,
  type PaymentStatus,
  type PaymentUpdate,
  paymentNextActionSchema,
  paymentStatusSchema,
  paymentUpdateSchema,
} from "@digital-commerce/plugin-sdk";
import { z } from "zod";
import { describeIssues, fieldIssues } from "../errors/index.ts";
import { analyticsEvent, type HookRun, notification } from "../hooks/index.ts";
import type { TenantDb } from "../ledger/tenant-db.ts";
import type { OutboxEvent } from "../outbox/index.ts";
import { SandboxError } from "../sandbox/index.ts";
import { CommerceError } from "./errors.ts";
import { storedAnswerOf } from "./idempotency.ts";
import { markOrderPaid } from "./orders.ts";
import type { PaymentView } from "./schemas.ts";
import { commit, defined, guard, isUniqueViolation, jsonRecord, now } from "./store.ts";

const nextActionColumn = z
  .string()
  .nullable()
  .transform((text) => (text === null ? null : paymentNextActionSchema.parse(JSON.parse(text))));

const paymentRow = z.object({
  id: z.string(),
  order_id: z.string().nullable(),
  provider: z.string(),
  transaction_id: z.string().nullable(),
  amount: z.number().int(),
  captured_amount: z.number().int(),
  refunded_amount: z.number().int(),
  currency: z.string(),
  method: z.string().nullable(),
  status: paymentStatusSchema,
  next_action: nextActionColumn,
  error_code: z.string().nullable(),
  error_message: z.string().nullable(),
  error_decline_code: z.string().nullable(),
  idempotency_key: z.string(),
  request_hash: z.string(),
  metadata: jsonRecord,
  created_at: z.string(),
  updated_at: z.string(),
});

/** A payment as stored: the view clients and hooks see, and what idempotent replays need. */
export interface StoredPayment {
  view: PaymentView;
  idempotencyKey: string;
  requestHash: string;
  answer: ReturnType<typeof storedAnswerOf>;
}

function storedPaymentOf(row: Record<string, unknown>): StoredPayment {
  const { error_code, error_message, error_decline_code, idempotency_key, request_hash, ...view } =
    paymentRow.parse(row);
  return {
    view: {
      ...view,
      error: error_code
        ? defined({ code: error_code, message: error_message ?? "", decline_code: error_decline_code ?? undefined })
        : null,
    },
    idempotencyKey: idempotency_key,
    requestHash: request_hash,
    answer: storedAnswerOf(row),
  };
}

type Lookup = { id: string } | { idempotency_key: string } | { provider: string; transaction_id: string };

export async function findPayment(db: TenantDb, tenantId: string, by: Lookup): Promise<StoredPayment | null> {
  const [where, params] =
    "id" in by
      ? ["id = ?", [by.id]]
      : "idempotency_key" in by
        ? ["idempotency_key = ?", [by.idempotency_key]]
        : ["provider = ? AND transaction_id = ?", [by.provider, by.transaction_id]];
  const row = await db
    .prepare(`SELECT * FROM payments WHERE tenant_id = ? AND ${where}`)
    .bind(tenantId, ...params)
    .first();
  return row === null ? null : storedPaymentOf(row);
}

export async function getStoredPayment(db: TenantDb, tenantId: string, id: string): Promise<StoredPayment> {
  const payment = await findPayment(db, tenantId, { id });
  if (!payment) throw new CommerceError("PAYMENT_NOT_FOUND", `This store has no payment ${id}.`, { id });
  return payment;
}

/** The payment as hooks see it. */
export function paymentOf(view: PaymentView): Payment {
  return defined({
    id: view.id,
    order_id: view.order_id ?? undefined,
    amount: view.amount,
    currency: view.currency,
    method: view.method ?? undefined,
    status: view.status,
    captured_amount: view.captured_amount,
    refunded_amount: view.refunded_amount,
    metadata: view.metadata,
  });
}

// --- the state machine -------------------------------------------------------------------------

/** How far along a payment that has not ended is; failed and canceled end it, and so does refunded. */
const rank: Record<"pending" | "authorized" | "captured" | "refunded", number> = {
  pending: 0,
  authorized: 1,
  captured: 2,
  refunded: 3,
};
const ended = (status: PaymentStatus): status is "failed" | "canceled" | "refunded" =>
  status === "failed" || status === "canceled" || status === "refunded";

/** A report for a payment the platform already knows the id of: the synchronous answers may lack a transaction. */
export type PaymentReport = Omit<PaymentUpdate, "payment_id" | "transaction_id"> & { transaction_id?: string };

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The payment after `report`, or null when the report changes nothing: one that would move the
 * machine backwards (authorized after captured, a decline after a success, anything after the
 * payment ended) is stale, and amounts only grow, since the provider reports totals so far.
 */
export function nextPaymentState(stored: PaymentView, report: PaymentReport, at: string): PaymentView | null {
  if (ended(stored.status)) return null;
  let status: PaymentStatus = stored.status;
  let captured = stored.captured_amount;
  let refunded = stored.refunded_amount;
  if (report.status === "failed" || report.status === "canceled") {
    // a decline ends a payment that never succeeded; a cancellation, one not yet captured
    if (report.status === "failed" && stored.status !== "pending") return null;
    if (report.status === "canceled" && stored.status === "captured") return null;
    status = report.status;
  } else {
    status = rank[report.status] > rank[stored.status] ? report.status : stored.status;
    if (rank[status] >= rank.captured) {
      // a capture that does not say how much took everything that was authorized
      captured = Math.max(captured, report.captured_amount ?? (captured > 0 ? captured : stored.amount));
    }
    captured = Math.min(captured, stored.amount);
    refunded = Math.min(
      Math.max(
        refunded,
        report.status === "refunded" ? (report.refunded_amount ?? captured) : (report.refunded_amount ?? 0),
      ),
      captured,
    );
    // refunded means refunds add up to what was captured; until then it stays captured
    if (status === "refunded" || status === "captured")
      status = captured > 0 && refunded >= captured ? "refunded" : "captured";
  }
  const failure: PaymentFailure | undefined = report.error;
  const next: PaymentView = {
    ...stored,
    transaction_id: stored.transaction_id ?? report.transaction_id ?? null,
    status,
    captured_amount: captured,
    refunded_amount: refunded,
    next_action: status === "pending" ? (report.next_action ?? stored.next_action) : null,
    error:
      status === "failed"
        ? errorOf(
            failure ??
              stored.error ?? { code: "PAYMENT_FAILED", message: `${stored.provider} reported the payment failed` },
          )
        : status === "pending"
          ? failure
            ? errorOf(failure)
            : stored.error
          : null,
    updated_at: at,
  };
  const unchanged =
    next.status === stored.status &&
    next.transaction_id === stored.transaction_id &&
    next.captured_amount === stored.captured_amount &&
    next.refunded_amount === stored.refunded_amount &&
    sameJson(next.next_action, stored.next_action) &&
    sameJson(next.error, stored.error);
  return unchanged ? null : next;
}

const errorOf = (failure: { code: string; message: string; decline_code?: string }) =>
  defined({ code: failure.code, message: failure.message, decline_code: failure.decline_code });

const succeeded = (status: PaymentStatus) => status === "authorized" || status === "captured" || status === "refunded";

/** The hooks and analytics events of one step of the machine, each once: the step commits once. */
function eventsOf(run: HookRun, before: PaymentView, after: PaymentView): OutboxEvent[] {
  const about = defined({
    payment_id: after.id,
    order_id: after.order_id ?? undefined,
    currency: after.currency,
    provider: after.provider,
  });
  const events: OutboxEvent[] = [];
  if (before.status === "pending" && succeeded(after.status)) {
    events.push(
      notification(run, "after_payment_success", { payment: paymentOf(after) }),
      analyticsEvent(run, {
        event: "payment_succeeded",
        properties: { ...about, amount: after.amount, status: after.status },
      }),
    );
  }
  if (after.status === "failed" && before.status !== "failed") {
    const error = after.error ?? { code: "PAYMENT_FAILED", message: "the payment failed" };
    events.push(
      notification(run, "after_payment_failure", { payment: paymentOf(after), error: error.message }),
      analyticsEvent(run, {
        event: "payment_failed",
        properties: defined({
          ...about,
          amount: after.amount,
          error_code: error.code,
          decline_code: error.decline_code,
        }),
      }),
    );
  }
  if (after.captured_amount > before.captured_amount) {
    events.push(
      analyticsEvent(run, {
        event: "payment_captured",
        properties: {
          ...about,
          amount: after.captured_amount - before.captured_amount,
          captured_amount: after.captured_amount,
        },
      }),
    );
  }
  if (after.refunded_amount > before.refunded_amount) {
    events.push(
      analyticsEvent(run, {
        event: "payment_refunded",
        properties: {
          ...about,
          amount: after.refunded_amount - before.refunded_amount,
          refunded_amount: after.refunded_amount,
        },
      }),
    );
  }
  if (after.status === "canceled" && before.status !== "canceled") {
    events.push(analyticsEvent(run, { event: "payment_canceled", properties: { ...about, amount: after.amount } }));
  }
  return events;
}

/** How often a report that lost a race re-reads and tries again; each loss means another report moved the payment. */
const ATTEMPTS = 5;

export interface PaymentApplied {
  payment: PaymentView;
  /** False when the report was stale or said nothing new: no write, no hook. */
  changed: boolean;
}

/**
 * Applies `report` to the stored payment `id`: the one writer of a payment's state. The UPDATE
 * commits only while the payment is as it was read (status, amounts, transaction), guarded in
 * the same batch as its hooks; a concurrent writer makes the batch a no-op, and the report is
 * re-read against the new state, a few times.
 */
export async function applyPaymentReport(run: HookRun, id: string, report: PaymentReport): Promise<PaymentApplied> {
  const db = run.db;
  for (let attempt = 1; ; attempt++) {
    const { view: stored } = await getStoredPayment(db, run.tenantId, id);
    if (
      stored.transaction_id !== null &&
      report.transaction_id !== undefined &&
      report.transaction_id !== stored.transaction_id
    ) {
      throw new CommerceError(
        "PAYMENT_STATE_CONFLICT",
        `${stored.provider} reported transaction ${report.transaction_id} for payment ${id}, which is transaction ${stored.transaction_id}; nothing was changed.`,
        { id, transaction_id: stored.transaction_id, reported: report.transaction_id },
      );
    }
    const at = now();
    const next = nextPaymentState(stored, report, at);
    if (next === null) return { payment: stored, changed: false };
    const writes = [
      db
        .prepare(
          `UPDATE payments SET transaction_id = ?, status = ?, captured_amount = ?, refunded_amount = ?, next_action = ?,
                  error_code = ?, error_message = ?, error_decline_code = ?, updated_at = ?
            WHERE tenant_id = ? AND id = ?`,
        )
        .bind(
          next.transaction_id,
          next.status,
          next.captured_amount,
          next.refunded_amount,
          next.next_action === null ? null : JSON.stringify(next.next_action),
          next.error?.code ?? null,
          next.error?.message ?? null,
          next.error?.decline_code ?? null,
          at,
          run.tenantId,
          id,
        ),
      ...(stored.status === "pending" && succeeded(next.status) && next.order_id
        ? [markOrderPaid(db, run.tenantId, next.order_id, at)]
        : []),
    ];
    const asRead = guard(
      db,
      `EXISTS (SELECT 1 FROM payments WHERE tenant_id = ? AND id = ? AND status = ? AND captured_amount = ?
                 AND refunded_amount = ? AND transaction_id IS ?)`,
      run.tenantId,
      id,
      stored.status,
      stored.captured_amount,
      stored.refunded_amount,
      stored.transaction_id,
    );
    try {
      await commit(run, writes, eventsOf(run, stored, next), [asRead]);
      return { payment: next, changed: true };
    } catch (error) {
      if (error instanceof CommerceError && error.code === "CONCURRENT_MODIFICATION" && attempt < ATTEMPTS) continue;
      if (isUniqueViolation(error)) {
        throw new CommerceError(
          "PAYMENT_STATE_CONFLICT",
          `${stored.provider} reported transaction ${next.transaction_id} for payment ${id}, but it belongs to another payment of this store; nothing was changed.`,
          { id, transaction_id: next.transaction_id },
        );
      }
      throw error;
    }
  }
}

/**
 * Applies what a payment plugin reports about one of its payments (what its handleWebhook or
 * retrievePayment returned): the payment is found by `payment_id` (the platform's id, from the
 * provider's metadata) or by the provider's transaction id, and must be this plugin's. The
 * report is the provider's absolute truth; stale and repeated reports change nothing.
 *
 * @example
 * // in the consumer, after the plugin's handleWebhook answered
 * if (answer) await applyPaymentUpdate(run, "stripe-gateway", answer);
 */
export async function applyPaymentUpdate(run: HookRun, provider: string, update: unknown): Promise<PaymentApplied> {
  const parsed = paymentUpdateSchema.safeParse(update);
  if (!parsed.success) {
    throw new SandboxError(
      "PLUGIN_FAILED",
      `${provider} reported a payment update that is not valid: ${describeIssues(fieldIssues(parsed.error))}`,
      { plugin: provider },
    );
  }
  const { payment_id, ...report } = parsed.data;
  const db = run.db;
  const found =
    (payment_id === undefined ? null : await findPayment(db, run.tenantId, { id: payment_id })) ??
    (await findPayment(db, run.tenantId, { provider, transaction_id: report.transaction_id }));
  // a plugin reports on its own payments only: another provider's is as unknown to it as another store's
  if (!found || found.view.provider !== provider) {
    throw new CommerceError(
      "PAYMENT_NOT_FOUND",
      `${provider} reported on a payment this store does not have (${payment_id ?? "no payment_id"}, transaction ${report.transaction_id}).`,
      { provider, payment_id, transaction_id: report.transaction_id },
    );
  }
  return await applyPaymentReport(run, found.view.id, report);
}
