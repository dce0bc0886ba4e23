/**
 * Payments through the test-payments plugin: before_payment_process (the spec's $0.50 veto),
 * processPayment in the plugin's isolate, after_payment_success or after_payment_failure
 * committed with the payment, idempotent repeats, capture and refund. Amounts are minor units:
 * 1000 is 10.00 USD.
 */

import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import {
  committedBy,
  type ErrorBody,
  givenActive,
  givenPaymentsStore,
  givenProduct,
  givenStore,
  operate,
  type Payment,
  pay,
  paymentEvents,
  topicsOf,
} from "./given.ts";

async function paymentRows(tenantId: string) {
  const { results } = await ledgerDb(env, tenantId)
    .prepare("SELECT id, status, idempotency_key FROM payments WHERE tenant_id = ?")
    .bind(tenantId)
    .all<{ id: string; status: string; idempotency_key: string }>();
  return results;
}

describe("processing a payment", () => {
  it("authorizes it through the active payment plugin and commits after_payment_success with it", async () => {
    const store = await givenPaymentsStore();
    const res = await pay(store, { amount: 1000, currency: "USD", method: "card" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      provider: "test-payments",
      status: "authorized",
      amount: 1000,
      captured_amount: 0,
      refunded_amount: 0,
      currency: "USD",
      method: "card",
      next_action: null,
      error: null,
      // the plugin's own before_payment_process (the spec's handler) tagged it
      metadata: { processed_by: "test-payments" },
    });
    expect(res.body.transaction_id).toMatch(/^tp_/);
    const events = await committedBy(res.traceId);
    expect(topicsOf(events)).toEqual(["after_payment_success", "analytics:payment_succeeded"]);
    expect(events[0]?.payload).toMatchObject({ payment: { id: res.body.id, amount: 1000, status: "authorized" } });
  });

  it("captures at once when the plugin's capture setting is automatic", async () => {
    const store = await givenPaymentsStore({ capture: "automatic" });
    const res = await pay(store, { amount: 1000, currency: "USD" });
    expect(res.body).toMatchObject({ status: "captured", captured_amount: 1000 });
    expect(topicsOf(await committedBy(res.traceId))).toEqual([
      "after_payment_success",
      "analytics:payment_succeeded",
      "analytics:payment_captured",
    ]);
  });

  it("takes amount and currency from the order it pays, and marks the order paid", async () => {
    const store = await givenPaymentsStore();
    const product = await givenProduct(store, { price: 750, currency: "EUR" });
    const order = await store.shop<{ id: string }>("POST", "/api/commerce/orders", {
      items: [{ product_id: product.id, quantity: 2 }],
    });
    const res = await pay(store, { order_id: order.body.id });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ order_id: order.body.id, amount: 1500, currency: "EUR", status: "authorized" });
    const paid = await store.shop<{ status: string }>("GET", `/api/commerce/orders/${order.body.id}`);
    expect(paid.body.status).toBe("paid");
    const again = await pay(store, { order_id: order.body.id });
    expect(again.status).toBe(409);
    const completed = await store.shop<{ status: string }>("POST", `/api/commerce/orders/${order.body.id}/complete`);
    expect(completed.body.status).toBe("completed");
  });

  it("records a declined payment, commits after_payment_failure with the plugin's error, and answers 402", async () => {
    const store = await givenPaymentsStore();
    const res = await pay<ErrorBody>(store, { amount: 1000, currency: "USD", method: "card_declined" });
    expect(res.status).toBe(402);
    expect(res.body.error).toMatchObject({
      code: "PAYMENT_FAILED",
      message: "test-payments declined the payment: The card was declined. (CARD_DECLINED, insufficient_funds)",
      details: {
        provider: "test-payments",
        plugin_error: { code: "CARD_DECLINED", message: "The card was declined.", decline_code: "insufficient_funds" },
      },
    });
    const events = await committedBy(res.traceId);
    expect(topicsOf(events)).toEqual(["after_payment_failure", "analytics:payment_failed"]);
    expect(events[0]?.payload).toMatchObject({
      payment: { amount: 1000, status: "failed", method: "card_declined" },
      error: "The card was declined.",
    });
    expect((await paymentRows(store.tenant.id)).map((r) => r.status)).toEqual(["failed"]);
    const paymentId = (res.body.error.details as { payment_id: string }).payment_id;
    const stored = await store.shop<Payment>("GET", `/api/commerce/payments/${paymentId}`);
    expect(stored.body).toMatchObject({
      status: "failed",
      error: { code: "CARD_DECLINED", decline_code: "insufficient_funds" },
    });
  });

  it("vetoes a payment under $0.50 with 422 and the plugin's message, and records nothing", async () => {
    const store = await givenPaymentsStore();
    const res = await pay<ErrorBody>(store, { amount: 25, currency: "USD" });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("HOOK_VETOED");
    expect(res.body.error.message).toContain("Minimum payment is $0.50");
    expect(await committedBy(res.traceId)).toEqual([]);
    expect(await paymentRows(store.tenant.id)).toEqual([]);
  });

  it("answers a repeated Idempotency-Key with the first answer, charging once and committing once", async () => {
    const store = await givenPaymentsStore();
    const first = await pay(store, { amount: 1000, currency: "USD" }, "checkout-1");
    const second = await pay(store, { currency: "USD", amount: 1000, metadata: {} }, "checkout-1");
    expect(first.status).toBe(201);
    // the same status and body as the first answer, said to be a replay
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(second.body).toEqual(first.body);
    expect(await paymentRows(store.tenant.id)).toHaveLength(1);
    expect(await committedBy(second.traceId)).toEqual([]);
    // a different key is a different payment
    const third = await pay(store, { amount: 1000, currency: "USD" }, "checkout-2");
    expect(third.body.id).not.toBe(first.body.id);
    expect(third.body.transaction_id).not.toBe(first.body.transaction_id);
  });

  it("answers a repeated key of a declined payment with the same decline, and commits it once", async () => {
    const store = await givenPaymentsStore();
    const body = { amount: 1000, currency: "USD", method: "card_declined" };
    const first = await pay<ErrorBody>(store, body, "k");
    const second = await pay<ErrorBody>(store, body, "k");
    expect([first.status, second.status]).toEqual([402, 402]);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(topicsOf(await committedBy(second.traceId))).toEqual([]);
  });

  it("records one payment when two requests with the same key race", async () => {
    const store = await givenPaymentsStore();
    const [a, b] = await Promise.all([
      pay(store, { amount: 1000, currency: "USD" }, "race"),
      pay(store, { amount: 1000, currency: "USD" }, "race"),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    // one of the two is the first answer, the other its replay
    expect([a.headers.get("idempotent-replayed"), b.headers.get("idempotent-replayed")]).toContain("true");
    expect([a.headers.get("idempotent-replayed"), b.headers.get("idempotent-replayed")]).toContain(null);
    expect(a.body).toEqual(b.body);
    expect(await paymentRows(store.tenant.id)).toHaveLength(1);
  });

  it.each([
    ["amount", { currency: "USD" }],
    ["currency", { amount: 1000 }],
    ["amount", { amount: 0, currency: "USD" }],
    ["amount", { amount: 10.5, currency: "USD" }],
    ["amount", { amount: "1000", currency: "USD" }],
    ["currency", { amount: 1000, currency: "dollars" }],
    ["currency", { amount: 1000, currency: "usd" }],
  ])("answers 400 naming %s", async (field, body) => {
    const store = await givenPaymentsStore();
    const res = await store.shop<ErrorBody>("POST", "/api/commerce/payments", body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(field);
  });

  it("answers 404 for an order the store does not have", async () => {
    const store = await givenPaymentsStore();
    const res = await store.shop<ErrorBody>("POST", "/api/commerce/payments", { order_id: "ord_missing" });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("ORDER_NOT_FOUND");
  });
});

describe("choosing the payment plugin", () => {
  it("refuses with 409 when no payment plugin is active, saying what to do", async () => {
    const store = await givenStore();
    const res = await store.shop<ErrorBody>("POST", "/api/commerce/payments", { amount: 1000, currency: "USD" });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: "PROVIDER_UNAVAILABLE",
      message: expect.stringMatching(/no active payment plugin.*activate/),
    });
  });

  it("refuses an installed but inactive payment plugin", async () => {
    const store = await givenStore();
    await givenActive(store, "test-payments");
    await store.api("POST", "/api/admin/plugins/test-payments/deactivate");
    const res = await store.shop<ErrorBody>("POST", "/api/commerce/payments", { amount: 1000, currency: "USD" });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("PROVIDER_UNAVAILABLE");
  });

  it("asks which one when several are active, and uses the one the request names", async () => {
    const store = await givenPaymentsStore();
    await givenActive(store, "bare-gateway");
    const ambiguous = await store.shop<ErrorBody>("POST", "/api/commerce/payments", { amount: 1000, currency: "USD" });
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.error).toMatchObject({
      code: "PROVIDER_AMBIGUOUS",
      message: expect.stringContaining("bare-gateway, test-payments"),
    });
    const chosen = await pay(store, { amount: 1000, currency: "USD", provider: "test-payments" });
    expect(chosen.status).toBe(201);
    expect(chosen.body.provider).toBe("test-payments");
    const unknown = await pay<ErrorBody>(store, { amount: 1000, currency: "USD", provider: "paypal" });
    expect(unknown.status).toBe(409);
    expect(unknown.body.error.message).toContain("paypal is not an active payment plugin");
  });

  it("answers 502 naming the method when the chosen plugin does not implement it", async () => {
    const store = await givenStore();
    await givenActive(store, "bare-gateway");
    const res = await store.shop<ErrorBody>("POST", "/api/commerce/payments", { amount: 1000, currency: "USD" });
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({
      code: "PLUGIN_FAILED",
      message: expect.stringContaining("does not implement processPayment"),
    });
    // nothing tells the platform whether a failing plugin charged first: the payment waits, pending, with the error
    const id = (res.body.error.details as { payment_id: string }).payment_id;
    const stored = await store.shop<Payment>("GET", `/api/commerce/payments/${id}`);
    expect(stored.body).toMatchObject({ status: "pending", transaction_id: null, error: { code: "PLUGIN_FAILED" } });
    expect(await paymentEvents(store, id)).toEqual([]);
  });
});

describe("capturing and refunding", () => {
  it("captures an authorized payment through its plugin; capturing again changes nothing", async () => {
    const store = await givenPaymentsStore();
    const payment = (await pay(store, { amount: 1000, currency: "USD" })).body;
    const res = await operate(store, payment.id, "capture");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: payment.id, status: "captured", captured_amount: 1000 });
    expect(topicsOf(await committedBy(res.traceId))).toEqual(["analytics:payment_captured"]);
    const again = await operate(store, payment.id, "capture");
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await committedBy(again.traceId)).toEqual([]);
  });

  it("refuses to capture a declined payment", async () => {
    const store = await givenPaymentsStore();
    const declined = await pay<ErrorBody>(store, { amount: 1000, currency: "USD", method: "card_declined" });
    const id = (declined.body.error.details as { payment_id: string }).payment_id;
    const res = await operate<ErrorBody>(store, id, "capture");
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: "PAYMENT_STATE_CONFLICT",
      message: expect.stringContaining("failed"),
    });
  });

  it("refunds in parts until nothing is left, and refuses more", async () => {
    const store = await givenPaymentsStore({ capture: "automatic" });
    const payment = (await pay(store, { amount: 1000, currency: "USD" })).body;
    const part = await operate(store, payment.id, "refund", { amount: 330 });
    expect(part.status).toBe(200);
    expect(part.body).toMatchObject({ status: "captured", refunded_amount: 330 });
    expect(topicsOf(await committedBy(part.traceId))).toEqual(["analytics:payment_refunded"]);
    const tooMuch = await operate<ErrorBody>(store, payment.id, "refund", { amount: 700 });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error.message).toBe(
      `Payment ${payment.id} has 670 (6.70 USD) left to refund; 700 (7.00 USD) was asked.`,
    );
    const rest = await operate(store, payment.id, "refund");
    expect(rest.body).toMatchObject({ status: "refunded", refunded_amount: 1000 });
    const after = await operate<ErrorBody>(store, payment.id, "refund");
    expect(after.status).toBe(409);
    expect(after.body.error.message).toContain("already refunded in full");
  });

  it("counts a refund repeated with the same Idempotency-Key once", async () => {
    const store = await givenPaymentsStore({ capture: "automatic" });
    const payment = (await pay(store, { amount: 1000, currency: "USD" })).body;
    const refund = () => operate(store, payment.id, "refund", { amount: 400 }, "rf-1");
    const first = await refund();
    const second = await refund();
    expect(first.body.refunded_amount).toBe(400);
    expect(second.status).toBe(200);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.body).toEqual(first.body);
    const stored = await store.shop<Payment>("GET", `/api/commerce/payments/${payment.id}`);
    expect(stored.body.refunded_amount).toBe(400);
  });

  it("refuses to refund a payment that was only authorized", async () => {
    const store = await givenPaymentsStore();
    const payment = (await pay(store, { amount: 1000, currency: "USD" })).body;
    const res = await operate<ErrorBody>(store, payment.id, "refund");
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain("only a captured payment can be refunded");
  });

  it("answers 404 for a payment the store does not have", async () => {
    const store = await givenPaymentsStore();
    const get = await store.shop<ErrorBody>("GET", "/api/commerce/payments/pay_x");
    expect(get.status).toBe(404);
    for (const operation of ["capture", "cancel", "refund", "refresh"] as const) {
      const res = await operate<ErrorBody>(store, "pay_x", operation);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("PAYMENT_NOT_FOUND");
    }
  });
});
