/**
 * Payments through the store's payment plugin: process (before_payment_process, then the
 * plugin's processPayment), capture (in full or in part), cancel, refund (in parts that add up)
 * and refresh (ask the provider where the payment stands). The payment's row is written pending
 * before the plugin is called, so the provider's webhook always finds it; every answer the
 * plugin gives then goes through the one writer (payment-state.ts), as its webhooks do.
 *
 * Every call to the plugin carries an idempotency key derived from the platform's operation
 * (`pay:`, `capture:`, `cancel:`, `refund:` with the tenant), so a retried request never
 * charges twice; a request repeated with the client's Idempotency-Key and the same body replays
 * the first answer (idempotency.ts).
 */

import {
  type CategoryMethod,
  type PaymentFailure,
  paymentDataSchema,
  paymentResultSchema,
  paymentUpdateSchema,
} from "@digital-commerce/plugin-sdk";
import { z } from "zod";
import { describeIssues, fieldIssues } from "../errors/index.ts";
import { type HookRun, runBeforeHooks } from "../hooks/index.ts";
import type { TenantDb } from "../ledger/tenant-db.ts";
import { callPluginMethod, SandboxError, type SandboxTarget } from "../sandbox/index.ts";
import { CommerceError } from "./errors.ts";
import {
  type IdempotentAnswer,
  keepFirstAnswer,
  refuseReusedKey,
  requestHash,
  type StoredAnswer,
  storedAnswerOf,
} from "./idempotency.ts";
import { describeAmount } from "./money.ts";
import { findOrder, getOrder } from "./orders.ts";
import {
  applyPaymentReport,
  findPayment,
  getStoredPayment,
  type PaymentReport,
  type StoredPayment,
} from "./payment-state.ts";
import { activeProvider } from "./providers.ts";
import type { PaymentView } from "./schemas.ts";
import { defined, isUniqueViolation, newId, now } from "./store.ts";

export async function getPayment(db: TenantDb, tenantId: string, id: string): Promise<PaymentView> {
  return (await getStoredPayment(db, tenantId, id)).view;
}

/** What a client learns about a payment its provider declined, or an operation it refused. */
function paymentFailed(payment: PaymentView, failure: PaymentFailure, action = "declined the payment") {
  const reason = [failure.code, failure.decline_code].filter(Boolean).join(", ");
  return new CommerceError("PAYMENT_FAILED", `${payment.provider} ${action}: ${failure.message} (${reason})`, {
    payment_id: payment.id,
    provider: payment.provider,
    plugin_error: failure,
    payment,
  });
}

/** A plugin's answer that is not the shape its method promises is the plugin's fault: 502. */
function invalidAnswer(target: SandboxTarget, method: string, error: z.ZodError): SandboxError {
  return new SandboxError(
    "PLUGIN_FAILED",
    `${target.slug} answered ${method} with something that is not a valid result: ${describeIssues(fieldIssues(error))}`,
    { plugin: target.slug, method },
  );
}

/** What a payment call's answer means for the payment. */
type Reading =
  | { kind: "report"; report: PaymentReport }
  | { kind: "refused"; error: PaymentFailure; transaction_id?: string }
  | { kind: "indeterminate"; error: PaymentFailure; transaction_id?: string };

function readResult(target: SandboxTarget, method: CategoryMethod, raw: unknown): Reading {
  const parsed = paymentResultSchema.safeParse(raw);
  if (!parsed.success) throw invalidAnswer(target, method, parsed.error);
  const result = parsed.data;
  if (!result.success) {
    const failure = defined({ error: result.error, transaction_id: result.transaction_id });
    return result.indeterminate ? { kind: "indeterminate", ...failure } : { kind: "refused", ...failure };
  }
  const { success: _, metadata: _metadata, ...report } = result;
  return { kind: "report", report };
}

/** The answer to POST /payments for the payment as it stands. */
function paymentAnswer(payment: PaymentView): StoredAnswer {
  if (payment.status === "failed") {
    const failure = payment.error ?? { code: "PAYMENT_FAILED", message: "the payment failed" };
    return { status: 402, body: paymentFailed(payment, failure).toBody() };
  }
  // pending: the customer must act (next_action), or the provider has not said yet
  return { status: payment.status === "pending" ? 202 : 201, body: payment };
}

// --- processing ---------------------------------------------------------------------------------

export interface PaymentInput {
  order_id?: string;
  amount?: number;
  currency?: string;
  method?: string;
  provider?: string;
  metadata: Record<string, unknown>;
}

/** What processPayment hands the plugin, the same on every retry of the request. */
function paymentDataOf(
  run: HookRun,
  payment: Pick<PaymentView, "id" | "amount" | "currency" | "metadata"> & { order_id?: string; method?: string },
  customerId: string | undefined,
  key: string,
) {
  const data = paymentDataSchema.safeParse({
    ...defined({
      amount: payment.amount,
      currency: payment.currency,
      order_id: payment.order_id,
      customer_id: customerId,
      method: payment.method,
    }),
    payment_id: payment.id,
    tenant_id: run.tenantId,
    // distinct per store, for the provider to deduplicate on
    idempotency_key: `pay:${run.tenantId}:${key}`,
    metadata: payment.metadata,
  });
  if (!data.success) {
    const issues = fieldIssues(data.error, "payment");
    throw new CommerceError("INVALID_PAYMENT", `The payment cannot be processed: ${describeIssues(issues)}`, {
      issues,
    });
  }
  return data.data;
}

export async function processPayment(
  run: HookRun,
  input: PaymentInput,
  idempotencyKey?: string,
): Promise<IdempotentAnswer> {
  const db = run.db;
  const hash = await requestHash(input);
  if (idempotencyKey !== undefined) {
    const known = await findPayment(db, run.tenantId, { idempotency_key: idempotencyKey });
    if (known) return await repeatPayment(run, known, hash);
  }
  const order = input.order_id === undefined ? null : await getOrder(db, run.tenantId, input.order_id);
  if (order && order.status !== "pending") {
    throw new CommerceError(
      "ORDER_STATE_CONFLICT",
      `Order ${order.id} is ${order.status}; only a pending order can be paid.`,
      { id: order.id, status: order.status },
    );
  }
  const target = await activeProvider(run, "payment", input.provider);
  const id = newId("pay");
  const key = idempotencyKey ?? id;
  const hooked = await runBeforeHooks(run, "before_payment_process", {
    payment: defined({
      id,
      order_id: order?.id,
      amount: input.amount ?? order?.total ?? 0,
      currency: input.currency ?? order?.currency ?? "",
      method: input.method,
      status: "pending" as const,
      metadata: input.metadata,
    }),
  });
  // a hook may change the amount or annotate the payment (the spec's handler stamps metadata), not its identity
  const { amount, currency, method, metadata } = hooked.payment;
  const data = paymentDataOf(
    run,
    defined({ id, order_id: order?.id, amount, currency, method, metadata }),
    order?.customer_id,
    key,
  );
  const at = now();
  try {
    await db
      .prepare(
        `INSERT INTO payments (id, tenant_id, order_id, provider, amount, currency, method, status, idempotency_key,
                               request_hash, metadata, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)`,
      )
      .bind(
        id,
        run.tenantId,
        order?.id ?? null,
        target.slug,
        amount,
        currency,
        method ?? null,
        key,
        hash,
        JSON.stringify(metadata),
        at,
        at,
      )
      .run();
  } catch (error) {
    // the same key raced this request and was stored first: this request is a repeat of that one
    const known =
      isUniqueViolation(error) && idempotencyKey !== undefined
        ? await findPayment(db, run.tenantId, { idempotency_key: idempotencyKey })
        : null;
    if (!known) throw error;
    return await repeatPayment(run, known, hash);
  }
  return await charge(run, target, id, data);
}

/** Calls processPayment and applies its answer; a throw (timeout, crash) leaves the payment pending, unanswered. */
async function charge(
  run: HookRun,
  target: SandboxTarget,
  paymentId: string,
  data: z.infer<typeof paymentDataSchema>,
): Promise<IdempotentAnswer> {
  let raw: unknown;
  try {
    raw = await callPluginMethod(run.deps, target, "processPayment", [data], {
      idempotencyKey: data.idempotency_key,
      traceId: run.traceId,
    });
  } catch (error) {
    if (!(error instanceof SandboxError)) throw error;
    // the plugin may have charged before it failed: the payment stays pending with the error, to be
    // reconciled by the provider's webhook, a refresh, or a retry with the same Idempotency-Key
    await applyPaymentReport(run, paymentId, {
      status: "pending",
      error: { code: error.code, message: error.message },
    });
    throw new SandboxError(
      error.code,
      `${error.message}; payment ${paymentId} stays pending until its outcome is known (POST /api/commerce/payments/${paymentId}/refresh, or retry with the same Idempotency-Key).`,
      { ...(error.details as Record<string, unknown> | undefined), payment_id: paymentId },
    );
  }
  const reading = readResult(target, "processPayment", raw);
  const report: PaymentReport =
    reading.kind === "report"
      ? reading.report
      : defined({
          status: reading.kind === "refused" ? ("failed" as const) : ("pending" as const),
          transaction_id: reading.transaction_id,
          error: reading.error,
        });
  const { payment } = await applyPaymentReport(run, paymentId, report);
  const answer = paymentAnswer(payment);
  // an indeterminate outcome is no answer to keep: a retry with the same key asks the provider again
  if (reading.kind === "indeterminate" && payment.status === "pending") return { ...answer, replayed: false };
  return await keepFirstAnswer(run.db, "payments", run.tenantId, paymentId, answer);
}

/** A request with a key already stored: its answer again, or, if it was never answered, the same charge asked again. */
async function repeatPayment(run: HookRun, known: StoredPayment, hash: string): Promise<IdempotentAnswer> {
  refuseReusedKey(known.requestHash, hash, known.idempotencyKey, `payment ${known.view.id}`);
  if (known.answer) return { ...known.answer, replayed: true };
  if (known.view.status !== "pending") {
    return await keepFirstAnswer(run.db, "payments", run.tenantId, known.view.id, paymentAnswer(known.view));
  }
  return await chargeAgain(run, known);
}

/** Asks processPayment again with the payment's own key: the provider answers with the charge it made, or makes it once. */
async function chargeAgain(run: HookRun, known: StoredPayment): Promise<IdempotentAnswer> {
  const { view } = known;
  const target = await activeProvider(run, "payment", view.provider);
  const order = view.order_id === null ? null : await findOrder(run.db, run.tenantId, view.order_id);
  const data = paymentDataOf(
    run,
    defined({ ...view, order_id: view.order_id ?? undefined, method: view.method ?? undefined }),
    order?.customer_id,
    known.idempotencyKey,
  );
  return await charge(run, target, view.id, data);
}

// --- capture, cancel, refund ------------------------------------------------------------------

type OperationKind = "capture" | "cancel" | "refund";

const operationRow = z.object({
  id: z.string(),
  amount: z.number().int().nullable(),
  request_hash: z.string(),
  state: z.enum(["requested", "succeeded", "refused"]),
});

async function findOperation(db: TenantDb, tenantId: string, kind: OperationKind, key: string) {
  const row = await db
    .prepare("SELECT * FROM payment_operations WHERE tenant_id = ? AND kind = ? AND idempotency_key = ?")
    .bind(tenantId, kind, key)
    .first();
  return row === null ? null : { ...operationRow.parse(row), answer: storedAnswerOf(row) };
}

interface OperationSpec {
  kind: OperationKind;
  method: "capturePayment" | "cancelPayment" | "refundPayment";
  /** What the provider's refusal is called in the 402. */
  refusal: string;
  /** The payment as it is when the operation is already done; the amount to ask for otherwise; throws when it cannot be done. */
  check(payment: PaymentView, amount: number | undefined): { done: PaymentView } | { amount: number | null };
  /** The key the plugin passes to its provider: the same on every retry of this operation. */
  providerKey(run: HookRun, paymentId: string, operationKey: string): string;
  /** What the plugin's success reports, completed with what the platform knows. */
  complete(run: HookRun, payment: PaymentView, report: PaymentReport, amount: number | null): Promise<PaymentReport>;
}

/**
 * One capture, cancellation or refund: checked against the payment, kept under its key, asked of
 * the plugin, and its answer applied by the one writer. A refusal answers 402 and changes nothing;
 * an indeterminate answer 202, and a retry with the same key asks again.
 */
async function runOperation(
  run: HookRun,
  spec: OperationSpec,
  paymentId: string,
  body: { amount?: number },
  clientKey: string | undefined,
): Promise<IdempotentAnswer> {
  const db = run.db;
  const stored = await getPayment(db, run.tenantId, paymentId);
  const hash = await requestHash(body);
  // scoped to the payment: the same key on another payment is another operation
  const key = `${paymentId}:${clientKey ?? newId("op")}`;
  let operation = clientKey === undefined ? null : await findOperation(db, run.tenantId, spec.kind, key);
  if (operation === null) {
    const plan = spec.check(stored, body.amount);
    if ("done" in plan) return { status: 200, body: plan.done, replayed: true };
    if (stored.transaction_id === null) throw noTransaction(stored);
    const at = now();
    const id = newId("op");
    try {
      await db
        .prepare(
          `INSERT INTO payment_operations (id, tenant_id, payment_id, kind, amount, idempotency_key, request_hash, state,
                                           created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'requested', ?, ?)`,
        )
        .bind(id, run.tenantId, paymentId, spec.kind, plan.amount, key, hash, at, at)
        .run();
      operation = { id, amount: plan.amount, request_hash: hash, state: "requested", answer: null };
    } catch (error) {
      // the same key raced this request: this one repeats it
      if (!isUniqueViolation(error)) throw error;
      operation = await findOperation(db, run.tenantId, spec.kind, key);
      if (operation === null) throw error;
    }
  }
  if (clientKey !== undefined) {
    refuseReusedKey(operation.request_hash, hash, clientKey, `a ${spec.kind} of payment ${paymentId}`);
    if (operation.answer) return { ...operation.answer, replayed: true };
    // kept before answers were: it succeeded, and the payment shows how
    if (operation.state === "succeeded") return { status: 200, body: stored, replayed: true };
  }
  if (stored.transaction_id === null) throw noTransaction(stored);
  const target = await activeProvider(run, "payment", stored.provider);
  const args =
    spec.kind === "cancel" ? [stored.transaction_id] : [stored.transaction_id, operation.amount ?? undefined];
  const raw = await callPluginMethod(run.deps, target, spec.method, args, {
    idempotencyKey: spec.providerKey(run, paymentId, key),
    traceId: run.traceId,
  });
  const reading = readResult(target, spec.method, raw);
  if (reading.kind === "indeterminate") {
    return { status: 202, body: await getPayment(db, run.tenantId, paymentId), replayed: false };
  }
  const settled = (state: "succeeded" | "refused") =>
    db
      .prepare(
        "UPDATE payment_operations SET state = ?, updated_at = ? WHERE tenant_id = ? AND id = ? AND state = 'requested'",
      )
      .bind(state, now(), run.tenantId, operation.id)
      .run();
  if (reading.kind === "refused") {
    await settled("refused");
    const answer = { status: 402, body: paymentFailed(stored, reading.error, spec.refusal).toBody() };
    return await keepFirstAnswer(db, "payment_operations", run.tenantId, operation.id, answer);
  }
  await settled("succeeded");
  const report = await spec.complete(run, stored, reading.report, operation.amount);
  const { payment } = await applyPaymentReport(run, paymentId, report);
  return await keepFirstAnswer(db, "payment_operations", run.tenantId, operation.id, { status: 200, body: payment });
}

const noTransaction = (payment: PaymentView) =>
  new CommerceError(
    "PAYMENT_STATE_CONFLICT",
    `Payment ${payment.id} has no transaction at ${payment.provider} yet (its outcome is being confirmed); refresh it with POST /api/commerce/payments/${payment.id}/refresh first.`,
    { id: payment.id, status: payment.status },
  );

const stateConflict = (payment: PaymentView, message: string, details: Record<string, unknown> = {}) =>
  new CommerceError("PAYMENT_STATE_CONFLICT", message, { id: payment.id, status: payment.status, ...details });

const capture: OperationSpec = {
  kind: "capture",
  method: "capturePayment",
  refusal: "refused to capture the payment",
  check(payment, amount) {
    if (payment.status === "captured" || payment.status === "refunded") return { done: payment };
    if (payment.status !== "authorized") {
      throw stateConflict(
        payment,
        `Payment ${payment.id} is ${payment.status}; only an authorized payment can be captured.`,
      );
    }
    if (amount !== undefined && amount > payment.amount) {
      throw stateConflict(
        payment,
        `Payment ${payment.id} authorized ${describeAmount(payment.amount, payment.currency)}; ${describeAmount(amount, payment.currency)} cannot be captured.`,
        { authorized: payment.amount, requested: amount },
      );
    }
    return { amount: amount ?? null };
  },
  // one capture per payment: its provider takes (or releases) the rest
  providerKey: (run, paymentId) => `capture:${run.tenantId}:${paymentId}`,
  complete: async (_run, payment, report, amount) =>
    report.captured_amount === undefined && (report.status === "captured" || report.status === "refunded")
      ? { ...report, captured_amount: amount ?? payment.amount }
      : report,
};

const cancel: OperationSpec = {
  kind: "cancel",
  method: "cancelPayment",
  refusal: "refused to cancel the payment",
  check(payment) {
    if (payment.status === "canceled") return { done: payment };
    if (payment.status !== "pending" && payment.status !== "authorized") {
      throw stateConflict(
        payment,
        `Payment ${payment.id} is ${payment.status}; only a pending or authorized payment can be canceled${payment.status === "captured" ? " (refund a captured one)" : ""}.`,
      );
    }
    return { amount: null };
  },
  providerKey: (run, paymentId) => `cancel:${run.tenantId}:${paymentId}`,
  complete: async (_run, _payment, report) => report,
};

const refund: OperationSpec = {
  kind: "refund",
  method: "refundPayment",
  refusal: "refused the refund",
  check(payment, amount) {
    if (payment.status === "refunded")
      throw stateConflict(payment, `Payment ${payment.id} is already refunded in full.`);
    if (payment.status !== "captured") {
      throw stateConflict(
        payment,
        `Payment ${payment.id} is ${payment.status}; only a captured payment can be refunded.`,
      );
    }
    const remaining = payment.captured_amount - payment.refunded_amount;
    const asked = amount ?? remaining;
    if (asked > remaining) {
      throw stateConflict(
        payment,
        `Payment ${payment.id} has ${describeAmount(remaining, payment.currency)} left to refund; ${describeAmount(asked, payment.currency)} was asked.`,
        { remaining, requested: asked },
      );
    }
    return { amount: asked };
  },
  // each refund its own key: several partial refunds add up
  providerKey: (run, _paymentId, operationKey) => `refund:${run.tenantId}:${operationKey}`,
  async complete(run, payment, report) {
    // the provider's total, or the refunds this platform saw accepted, whichever knows more
    const row = await run.db
      .prepare(
        "SELECT COALESCE(SUM(amount), 0) AS total FROM payment_operations WHERE tenant_id = ? AND payment_id = ? AND kind = 'refund' AND state = 'succeeded'",
      )
      .bind(run.tenantId, payment.id)
      .first<{ total: number }>();
    return { ...report, refunded_amount: Math.max(report.refunded_amount ?? 0, row?.total ?? 0) };
  },
};

export const capturePayment = (run: HookRun, id: string, body: { amount?: number }, key?: string) =>
  runOperation(run, capture, id, body, key);

export const cancelPayment = (run: HookRun, id: string, key?: string) => runOperation(run, cancel, id, {}, key);

export const refundPayment = (run: HookRun, id: string, body: { amount?: number }, key?: string) =>
  runOperation(run, refund, id, body, key);

// --- refresh ----------------------------------------------------------------------------------

/**
 * Asks the payment's plugin where the payment stands (retrievePayment) and applies the answer:
 * after the customer completed 3-D Secure in the storefront, or after an indeterminate error. A
 * payment whose provider never named its transaction is asked for again with processPayment and
 * the payment's own key, which the provider answers with the charge it made, or makes once.
 */
export async function refreshPayment(run: HookRun, id: string): Promise<PaymentView> {
  const db = run.db;
  const known = await getStoredPayment(db, run.tenantId, id);
  const { view } = known;
  if (view.transaction_id === null) {
    if (view.status === "pending") await chargeAgain(run, known);
    return await getPayment(db, run.tenantId, id);
  }
  const target = await activeProvider(run, "payment", view.provider);
  const raw = await callPluginMethod(run.deps, target, "retrievePayment", [view.transaction_id], {
    traceId: run.traceId,
  });
  const parsed = paymentUpdateSchema.safeParse(raw);
  if (!parsed.success) throw invalidAnswer(target, "retrievePayment", parsed.error);
  const { payment_id: _, ...report } = parsed.data;
  return (await applyPaymentReport(run, id, report)).payment;
}
