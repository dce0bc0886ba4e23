/**
 * Payments through the store's payment plugin: process (before_payment_process, then the
 * plugin's processPayment, then after_payment_success or after_payment_failure committed with
 * the payment row), capture and refund. Every call to the plugin carries an idempotency key the
 * platform derives from the request, so a retried request never charges or refunds twice: the
 * plugin sees the same key, and the platform answers a known key from its own rows.
 */
import {
  type Payment,
  type PaymentResult,
  paymentDataSchema,
  paymentResultSchema,
  pluginFailureSchema,
} from "@digital-commerce/plugin-sdk";
import { z } from "zod";
import { describeIssues, fieldIssues } from "../errors/index.ts";
import { analyticsEvent, type HookRun, notification, runBeforeHooks } from "../hooks/index.ts";
import { callPluginMethod, SandboxError, type SandboxTarget } from "../sandbox/index.ts";
import { CommerceError } from "./errors.ts";
import { getOrder, markOrderPaid } from "./orders.ts";
import { activeProvider } from "./providers.ts";
import type { PaymentView } from "./schemas.ts";
import { commit, defined, isUniqueViolation, jsonRecord, money, newId, now } from "./store.ts";

const paymentRow = z
  .object({
    id: z.string(),
    order_id: z.string().nullable(),
    provider: z.string(),
    transaction_id: z.string().nullable(),
    amount: z.number(),
    refunded_amount: z.number(),
    currency: z.string(),
    method: z.string().nullable(),
    status: z.enum(["pending", "authorized", "captured", "failed", "refunded"]),
    error_code: z.string().nullable(),
    error_message: z.string().nullable(),
    metadata: jsonRecord,
    created_at: z.string(),
    updated_at: z.string(),
  })
  .transform(
    ({ error_code, error_message, ...row }): PaymentView => ({
      ...row,
      error: error_code ? { code: error_code, message: error_message ?? "" } : null,
    }),
  );

/** The payment as hooks see it. */
function paymentOf(view: PaymentView): Payment {
  return defined({
    id: view.id,
    order_id: view.order_id ?? undefined,
    amount: view.amount,
    currency: view.currency,
    method: view.method ?? undefined,
    status: view.status,
    metadata: view.metadata,
  });
}

async function findPayment(db: D1Database, tenantId: string, where: "id" | "idempotency_key", value: string) {
  const row = await db
    .prepare(`SELECT * FROM payments WHERE tenant_id = ? AND ${where} = ?`)
    .bind(tenantId, value)
    .first();
  return row === null ? null : paymentRow.parse(row);
}

export async function getPayment(db: D1Database, tenantId: string, id: string): Promise<PaymentView> {
  const payment = await findPayment(db, tenantId, "id", id);
  if (!payment) throw new CommerceError("PAYMENT_NOT_FOUND", `This store has no payment ${id}.`, { id });
  return payment;
}

/** What a client learns about a payment that failed, the first time and on every repeat. */
function paymentFailed(
  payment: PaymentView,
  failure: { code: string; message: string },
  action = "declined the payment",
) {
  return new CommerceError("PAYMENT_FAILED", `${payment.provider} ${action}: ${failure.message} (${failure.code})`, {
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

/** capturePayment and refundPayment may answer anything (the spec's `any`); a failure is reported the SDK's way. */
const methodFailure = z.object({ success: z.literal(false), error: pluginFailureSchema });

export interface PaymentInput {
  order_id?: string;
  amount?: number;
  currency?: string;
  method?: string;
  provider?: string;
  metadata: Record<string, unknown>;
}

export interface PaymentOutcome {
  payment: PaymentView;
  /** The request repeated an idempotency key: this is the first request's payment, nothing was charged now. */
  replayed: boolean;
}

/** A known payment, answered as its first request was: the payment, or the same decline. */
function replay(payment: PaymentView): PaymentOutcome {
  if (payment.status === "failed") {
    throw paymentFailed(payment, payment.error ?? { code: "PAYMENT_FAILED", message: "the payment failed" });
  }
  return { payment, replayed: true };
}

export async function processPayment(
  run: HookRun,
  input: PaymentInput,
  idempotencyKey?: string,
): Promise<PaymentOutcome> {
  const db = run.deps.env.DB;
  if (idempotencyKey !== undefined) {
    const known = await findPayment(db, run.tenantId, "idempotency_key", idempotencyKey);
    if (known) return replay(known);
  }
  const order = input.order_id === undefined ? null : await getOrder(db, run.tenantId, input.order_id);
  if (order && order.status !== "pending") {
    throw new CommerceError(
      "ORDER_STATE_CONFLICT",
      `Order ${order.id} is ${order.status}; only a pending order can be paid.`,
      {
        id: order.id,
        status: order.status,
      },
    );
  }
  const target = await activeProvider(run, "payment", input.provider);
  const id = newId("pay");
  const key = idempotencyKey ?? id;
  const requested: Payment = defined({
    id,
    order_id: order?.id,
    amount: input.amount ?? order?.total ?? 0,
    currency: input.currency ?? order?.currency ?? "",
    method: input.method,
    status: "pending" as const,
    metadata: input.metadata,
  });
  const hooked = await runBeforeHooks(run, "before_payment_process", { payment: requested });
  // a hook may change the amount or annotate the payment (the spec's handler stamps metadata), not its identity
  const payment: Payment = { ...hooked.payment, id, order_id: requested.order_id, status: "pending" };
  const paymentData = paymentDataSchema.safeParse({
    ...defined({
      amount: payment.amount,
      currency: payment.currency,
      order_id: payment.order_id,
      customer_id: order?.customer_id,
      method: payment.method,
    }),
    // the same key on every retry of this request, and distinct per store, for the provider to deduplicate on
    idempotency_key: `pay:${run.tenantId}:${key}`,
    metadata: payment.metadata,
  });
  if (!paymentData.success) {
    const issues = fieldIssues(paymentData.error, "payment");
    throw new CommerceError("INVALID_PAYMENT", `The payment cannot be processed: ${describeIssues(issues)}`, {
      issues,
    });
  }
  // a crash or timeout here leaves no row: the outcome is unknown, and a retry with the same key asks the plugin again
  const raw = await callPluginMethod(run.deps, target, "processPayment", [paymentData.data], {
    idempotencyKey: paymentData.data.idempotency_key,
    traceId: run.traceId,
  });
  const parsed = paymentResultSchema.safeParse(raw);
  if (!parsed.success) throw invalidAnswer(target, "processPayment", parsed.error);
  return await recordPayment(run, target, payment, key, parsed.data);
}

async function recordPayment(
  run: HookRun,
  target: SandboxTarget,
  payment: Payment,
  idempotencyKey: string,
  result: PaymentResult,
): Promise<PaymentOutcome> {
  const db = run.deps.env.DB;
  const at = now();
  const failure = result.success ? null : result.error;
  const view: PaymentView = {
    ...payment,
    id: payment.id ?? newId("pay"),
    order_id: payment.order_id ?? null,
    provider: target.slug,
    transaction_id: result.transaction_id ?? null,
    method: payment.method ?? null,
    status: result.success ? result.status : "failed",
    refunded_amount: 0,
    error: failure ? { code: failure.code, message: failure.message } : null,
    created_at: at,
    updated_at: at,
  };
  const settled = view.status === "authorized" || view.status === "captured";
  const writes = [
    db
      .prepare(
        `INSERT INTO payments (id, tenant_id, order_id, provider, transaction_id, amount, currency, method, status,
                               idempotency_key, error_code, error_message, metadata, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(
        view.id,
        run.tenantId,
        view.order_id,
        view.provider,
        view.transaction_id,
        view.amount,
        view.currency,
        view.method,
        view.status,
        idempotencyKey,
        failure?.code ?? null,
        failure?.message ?? null,
        JSON.stringify(view.metadata),
        at,
        at,
      ),
    ...(settled && view.order_id ? [markOrderPaid(db, run.tenantId, view.order_id, at)] : []),
  ];
  const properties = { payment_id: view.id, amount: view.amount, currency: view.currency, provider: view.provider };
  // a pending payment (the customer still has to confirm it) has neither succeeded nor failed yet
  const events = failure
    ? [
        notification(run, "after_payment_failure", { payment: paymentOf(view), error: failure.message }),
        analyticsEvent(run, { event: "payment_failed", properties: { ...properties, error_code: failure.code } }),
      ]
    : settled
      ? [
          notification(run, "after_payment_success", { payment: paymentOf(view) }),
          analyticsEvent(run, { event: "payment_succeeded", properties: { ...properties, status: view.status } }),
        ]
      : [];
  try {
    await commit(run, writes, events);
  } catch (error) {
    // the same key raced this request and was recorded first: answer as it was answered
    const known = isUniqueViolation(error)
      ? await findPayment(db, run.tenantId, "idempotency_key", idempotencyKey)
      : null;
    if (known) return replay(known);
    throw error;
  }
  if (failure) throw paymentFailed(view, failure);
  return { payment: view, replayed: false };
}

export async function capturePayment(run: HookRun, id: string): Promise<PaymentOutcome> {
  const db = run.deps.env.DB;
  const stored = await getPayment(db, run.tenantId, id);
  if (stored.status === "captured") return { payment: stored, replayed: true };
  if (stored.status !== "authorized" || stored.transaction_id === null) {
    throw new CommerceError(
      "PAYMENT_STATE_CONFLICT",
      `Payment ${id} is ${stored.status}; only an authorized payment can be captured.`,
      { id, status: stored.status },
    );
  }
  const target = await activeProvider(run, "payment", stored.provider);
  const raw = await callPluginMethod(run.deps, target, "capturePayment", [stored.transaction_id], {
    idempotencyKey: `capture:${run.tenantId}:${id}`,
    traceId: run.traceId,
  });
  const refused = methodFailure.safeParse(raw);
  if (refused.success) throw paymentFailed(stored, refused.data.error, "refused to capture the payment");
  const at = now();
  await commit(
    run,
    [
      db
        .prepare(
          "UPDATE payments SET status = 'captured', updated_at = ? WHERE tenant_id = ? AND id = ? AND status = 'authorized'",
        )
        .bind(at, run.tenantId, id),
    ],
    [
      analyticsEvent(run, {
        event: "payment_captured",
        properties: { payment_id: id, amount: stored.amount, currency: stored.currency, provider: stored.provider },
      }),
    ],
  );
  return { payment: { ...stored, status: "captured", updated_at: at }, replayed: false };
}

export async function refundPayment(
  run: HookRun,
  id: string,
  amount: number | undefined,
  idempotencyKey?: string,
): Promise<PaymentOutcome> {
  const db = run.deps.env.DB;
  const stored = await getPayment(db, run.tenantId, id);
  // without a client key every request is a new refund: nothing tells a retry from a second refund
  const refundKey = `${id}:${idempotencyKey ?? newId("rf")}`;
  if (idempotencyKey !== undefined) {
    const known = await db
      .prepare("SELECT id FROM payment_refunds WHERE tenant_id = ? AND idempotency_key = ?")
      .bind(run.tenantId, refundKey)
      .first();
    if (known) return { payment: stored, replayed: true };
  }
  const remaining = money(stored.amount - stored.refunded_amount);
  if (stored.status !== "captured" || stored.transaction_id === null || remaining <= 0) {
    throw new CommerceError(
      "PAYMENT_STATE_CONFLICT",
      stored.status === "refunded"
        ? `Payment ${id} is already refunded in full.`
        : `Payment ${id} is ${stored.status}; only a captured payment can be refunded.`,
      { id, status: stored.status },
    );
  }
  const refund = money(amount ?? remaining);
  if (refund > remaining) {
    throw new CommerceError(
      "PAYMENT_STATE_CONFLICT",
      `Payment ${id} has ${remaining} ${stored.currency} left to refund; ${refund} was asked.`,
      { id, remaining, requested: refund },
    );
  }
  const target = await activeProvider(run, "payment", stored.provider);
  const raw = await callPluginMethod(run.deps, target, "refundPayment", [stored.transaction_id, refund], {
    idempotencyKey: `refund:${run.tenantId}:${refundKey}`,
    traceId: run.traceId,
  });
  const refused = methodFailure.safeParse(raw);
  if (refused.success) throw paymentFailed(stored, refused.data.error, "refused the refund");
  const at = now();
  try {
    await commit(
      run,
      [
        db
          .prepare(
            "INSERT INTO payment_refunds (id, tenant_id, payment_id, amount, idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?)",
          )
          .bind(newId("rf"), run.tenantId, id, refund, refundKey, at),
        // relative to the row, not to what was read: the provider accepted this refund, so it counts
        db
          .prepare(
            `UPDATE payments SET refunded_amount = ROUND(refunded_amount + ?, 2),
                    status = CASE WHEN ROUND(refunded_amount + ?, 2) >= amount THEN 'refunded' ELSE status END,
                    updated_at = ?
              WHERE tenant_id = ? AND id = ?`,
          )
          .bind(refund, refund, at, run.tenantId, id),
      ],
      [
        analyticsEvent(run, {
          event: "payment_refunded",
          properties: { payment_id: id, amount: refund, currency: stored.currency, provider: stored.provider },
        }),
      ],
    );
  } catch (error) {
    // the same refund key raced this request and was recorded first
    if (!isUniqueViolation(error)) throw error;
    return { payment: await getPayment(db, run.tenantId, id), replayed: true };
  }
  return { payment: await getPayment(db, run.tenantId, id), replayed: false };
}
