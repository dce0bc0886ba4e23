/**
 * A payment's whole state machine through the test-payments gateway: authorized → captured (in
 * part) → refunded as refunds add up; canceled; failed with the decline code; a 3-D Secure payment
 * pending with next_action, completed later by what the provider reports (applyPaymentUpdate, as
 * the webhook consumer calls it, or a refresh); an indeterminate answer reconciled. Whatever the
 * order and however often reports come, after_payment_success and after_payment_failure fire once.
 */
import { env } from "cloudflare:test";
import type { PaymentUpdate } from "@digital-commerce/plugin-sdk";
import { describe, expect, it } from "vitest";
import { applyPaymentUpdate } from "../../api/src/commerce/index.ts";
import { callPluginMethod, findTarget } from "../../api/src/sandbox/index.ts";
import { hookRun } from "../pipeline/helpers.ts";
import {
  type ErrorBody,
  eventually,
  gatewayOf,
  givenActive,
  givenPaymentsStore,
  operate,
  type Payment,
  pay,
  paymentEvents,
  type Store,
} from "./given.ts";

/** What the consumer does with a provider's webhook: the plugin's handleWebhook re-reads the charge, the platform applies it. */
async function webhook(store: Store, transactionId: string, event = "charge.updated") {
  const run = hookRun(store.tenant.id);
  const target = await findTarget(env, store.tenant.id, "test-payments");
  if (!target) throw new Error("test-payments is not installed");
  const told = await callPluginMethod(run.deps, target, "handleWebhook", [event, { transaction_id: transactionId }]);
  if (told === null || told === undefined) return null;
  const applied = await applyPaymentUpdate(run, "test-payments", told);
  await run.settle();
  return applied;
}

const get = async (store: Store, id: string) => (await store.shop<Payment>("GET", `/api/commerce/payments/${id}`)).body;

/** The customer passing 3-D Secure on the provider's page. */
const authenticate = (store: Store, transactionId: string, outcome = "succeeded") =>
  store.api("POST", "/api/plugins/test-payments/authenticate", { transaction_id: transactionId, outcome });

/** The deliveries the recorder plugin received about the payment (it hears every notification hook). */
async function recorderCalls(store: Store, paymentId: string) {
  const res = await store.api<{ calls: { payload: string }[] }>("GET", "/api/plugins/recorder/calls");
  return res.body.calls.filter(
    (c) => (JSON.parse(c.payload) as { payment?: { id?: string } }).payment?.id === paymentId,
  );
}

describe("capturing in part and refunding in parts", () => {
  it("captures part, refunds twice in part adding up, and is refunded once refunds reach the capture", async () => {
    const store = await givenPaymentsStore();
    const payment = (await pay(store, { amount: 1000, currency: "USD" })).body;
    const captured = await operate(store, payment.id, "capture", { amount: 800 });
    expect(captured.status).toBe(200);
    expect(captured.body).toMatchObject({ status: "captured", amount: 1000, captured_amount: 800, refunded_amount: 0 });
    const first = await operate(store, payment.id, "refund", { amount: 300 });
    expect(first.body).toMatchObject({ status: "captured", refunded_amount: 300 });
    const second = await operate(store, payment.id, "refund", { amount: 200 });
    expect(second.body).toMatchObject({ status: "captured", refunded_amount: 500 });
    // the rest of the capture, not of the authorization
    const rest = await operate(store, payment.id, "refund");
    expect(rest.body).toMatchObject({ status: "refunded", captured_amount: 800, refunded_amount: 800 });
    expect(await paymentEvents(store, payment.id)).toEqual([
      "after_payment_success",
      "analytics:payment_succeeded",
      "analytics:payment_captured",
      "analytics:payment_refunded",
      "analytics:payment_refunded",
      "analytics:payment_refunded",
    ]);
    const { calls } = await gatewayOf(store);
    // the platform asks for exactly what is left, in minor units
    expect(calls.filter((c) => c.method === "refundPayment").map((c) => c.args[1])).toEqual([300, 200, 300]);
    expect(calls.find((c) => c.method === "capturePayment")?.args).toEqual([payment.transaction_id, 800]);
  });

  it("refuses to capture more than was authorized, saying how much was", async () => {
    const store = await givenPaymentsStore();
    const payment = (await pay(store, { amount: 1000, currency: "USD" })).body;
    const res = await operate<ErrorBody>(store, payment.id, "capture", { amount: 1200 });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe(
      `Payment ${payment.id} authorized 1000 (10.00 USD); 1200 (12.00 USD) cannot be captured.`,
    );
    expect((await get(store, payment.id)).status).toBe("authorized");
  });
});

describe("canceling", () => {
  it("releases an authorized payment through its plugin's cancelPayment, with a cancel: key", async () => {
    const store = await givenPaymentsStore();
    const payment = (await pay(store, { amount: 1000, currency: "USD" })).body;
    const res = await operate(store, payment.id, "cancel");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "canceled", captured_amount: 0 });
    expect(await paymentEvents(store, payment.id)).toEqual([
      "after_payment_success",
      "analytics:payment_succeeded",
      "analytics:payment_canceled",
    ]);
    const { calls, charges } = await gatewayOf(store);
    expect(calls.find((c) => c.method === "cancelPayment")?.idempotency_key).toBe(
      `cancel:${store.tenant.id}:${payment.id}`,
    );
    expect(charges[0]?.status).toBe("canceled");
    // canceling again changes nothing; capturing a canceled payment is refused
    const again = await operate(store, payment.id, "cancel");
    expect([again.status, again.headers.get("idempotent-replayed")]).toEqual([200, "true"]);
    expect((await operate<ErrorBody>(store, payment.id, "capture")).status).toBe(409);
  });

  it("cancels a 3-D Secure payment the customer never completed", async () => {
    const store = await givenPaymentsStore();
    const payment = (await pay(store, { amount: 1000, currency: "USD", method: "card_3ds" })).body;
    const res = await operate(store, payment.id, "cancel");
    expect(res.body).toMatchObject({ status: "canceled", next_action: null });
    expect(await paymentEvents(store, payment.id)).toEqual(["analytics:payment_canceled"]);
  });

  it("refuses to cancel a captured payment, pointing to a refund", async () => {
    const store = await givenPaymentsStore({ capture: "automatic" });
    const payment = (await pay(store, { amount: 1000, currency: "USD" })).body;
    const res = await operate<ErrorBody>(store, payment.id, "cancel");
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain("refund a captured one");
  });
});

describe("a declined payment", () => {
  it("is failed with the plugin's code, message and decline code, and fires after_payment_failure once", async () => {
    const store = await givenPaymentsStore();
    const res = await pay<ErrorBody>(store, { amount: 1000, currency: "USD", method: "card_declined" });
    expect(res.status).toBe(402);
    const id = (res.body.error.details as { payment_id: string }).payment_id;
    expect(await get(store, id)).toMatchObject({
      status: "failed",
      error: { code: "CARD_DECLINED", message: "The card was declined.", decline_code: "insufficient_funds" },
    });
    // the provider's webhook about the decline comes too: nothing new
    const { charges } = await gatewayOf(store);
    const applied = await webhook(store, String(charges[0]?.transaction_id), "payment_intent.payment_failed");
    expect(applied?.changed).toBe(false);
    expect(await paymentEvents(store, id)).toEqual(["after_payment_failure", "analytics:payment_failed"]);
  });
});

describe("a 3-D Secure payment", () => {
  it("answers 202 pending with what the storefront needs, fires nothing, and does not mark the order paid", async () => {
    const store = await givenPaymentsStore();
    const res = await pay(store, { amount: 1000, currency: "USD", method: "card_3ds" });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: "pending",
      transaction_id: expect.stringMatching(/^tp_/),
      next_action: {
        type: "redirect_to_url",
        client_secret: `${res.body.transaction_id}_secret`,
        redirect_url: `https://payments.test/3ds/${res.body.transaction_id}`,
      },
    });
    expect(await paymentEvents(store, res.body.id)).toEqual([]);
  });

  it("is completed by the provider's report, firing after_payment_success once even when two reports race", async () => {
    const store = await givenPaymentsStore();
    await givenActive(store, "recorder");
    const payment = (await pay(store, { amount: 1000, currency: "USD", method: "card_3ds" })).body;
    const transactionId = String(payment.transaction_id);
    await authenticate(store, transactionId);
    // the webhook and the storefront's confirmation arrive together, each with the provider's truth
    const update: PaymentUpdate = { payment_id: payment.id, transaction_id: transactionId, status: "authorized" };
    const runs = [hookRun(store.tenant.id), hookRun(store.tenant.id)];
    const applied = await Promise.all(runs.map((run) => applyPaymentUpdate(run, "test-payments", update)));
    await Promise.all(runs.map((run) => run.settle()));
    expect(applied.map((a) => a.changed).sort()).toEqual([false, true]);
    expect(applied.map((a) => a.payment.status)).toEqual(["authorized", "authorized"]);
    expect(await get(store, payment.id)).toMatchObject({ status: "authorized", next_action: null });
    expect(await paymentEvents(store, payment.id)).toEqual(["after_payment_success", "analytics:payment_succeeded"]);
    // delivered through the queue once
    const delivered = await eventually(async () => {
      const calls = await recorderCalls(store, payment.id);
      return calls.length > 0 ? calls : undefined;
    });
    expect(delivered).toHaveLength(1);
  });

  it("is completed by a refresh after the customer authenticated, and a late webhook changes nothing", async () => {
    const store = await givenPaymentsStore();
    const product = await store.shop<{ id: string }>("POST", "/api/commerce/products", {
      title: "Tea",
      price: 1000,
      currency: "USD",
    });
    const order = await store.shop<{ id: string }>("POST", "/api/commerce/orders", {
      items: [{ product_id: product.body.id, quantity: 1 }],
    });
    const payment = (await pay(store, { order_id: order.body.id, method: "card_3ds" })).body;
    expect((await store.shop<{ status: string }>("GET", `/api/commerce/orders/${order.body.id}`)).body.status).toBe(
      "pending",
    );
    await authenticate(store, String(payment.transaction_id));
    const refreshed = await operate(store, payment.id, "refresh");
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ status: "authorized", next_action: null });
    expect((await store.shop<{ status: string }>("GET", `/api/commerce/orders/${order.body.id}`)).body.status).toBe(
      "paid",
    );
    expect((await webhook(store, String(payment.transaction_id)))?.changed).toBe(false);
    expect((await operate(store, payment.id, "refresh")).body.status).toBe("authorized");
    expect(await paymentEvents(store, payment.id)).toEqual(["after_payment_success", "analytics:payment_succeeded"]);
  });

  it("fails when the customer fails authentication, firing after_payment_failure once", async () => {
    const store = await givenPaymentsStore();
    const payment = (await pay(store, { amount: 1000, currency: "USD", method: "card_3ds" })).body;
    await authenticate(store, String(payment.transaction_id), "failed");
    const [first, second] = [
      await webhook(store, String(payment.transaction_id)),
      await webhook(store, String(payment.transaction_id)),
    ];
    expect([first?.changed, second?.changed]).toEqual([true, false]);
    expect(await get(store, payment.id)).toMatchObject({
      status: "failed",
      next_action: null,
      error: { decline_code: "insufficient_funds" },
    });
    expect(await paymentEvents(store, payment.id)).toEqual(["after_payment_failure", "analytics:payment_failed"]);
  });
});

describe("reports in any order", () => {
  it("ignores a late report after the synchronous answer, and a failure after a success", async () => {
    const store = await givenPaymentsStore();
    const payment = (await pay(store, { amount: 1000, currency: "USD" })).body;
    const run = hookRun(store.tenant.id);
    const base = { payment_id: payment.id, transaction_id: String(payment.transaction_id) };
    // the webhook of the authorization the synchronous answer already applied
    expect((await applyPaymentUpdate(run, "test-payments", { ...base, status: "authorized" })).changed).toBe(false);
    expect((await applyPaymentUpdate(run, "test-payments", { ...base, status: "pending" })).changed).toBe(false);
    const failed = await applyPaymentUpdate(run, "test-payments", {
      ...base,
      status: "failed",
      error: { code: "CARD_DECLINED", message: "late" },
    });
    expect(failed).toMatchObject({ changed: false, payment: { status: "authorized", error: null } });
    expect(await paymentEvents(store, payment.id)).toEqual(["after_payment_success", "analytics:payment_succeeded"]);
  });

  it("takes the provider's totals, so a stale capture report after the refund changes nothing", async () => {
    const store = await givenPaymentsStore();
    const payment = (await pay(store, { amount: 1000, currency: "USD" })).body;
    const run = hookRun(store.tenant.id);
    const base = { transaction_id: String(payment.transaction_id) };
    // found by its transaction, without the platform's payment id
    await applyPaymentUpdate(run, "test-payments", {
      ...base,
      status: "refunded",
      captured_amount: 600,
      refunded_amount: 600,
    });
    const stale = await applyPaymentUpdate(run, "test-payments", { ...base, status: "captured", captured_amount: 600 });
    expect(stale.changed).toBe(false);
    expect(await get(store, payment.id)).toMatchObject({
      status: "refunded",
      captured_amount: 600,
      refunded_amount: 600,
    });
    expect(await paymentEvents(store, payment.id)).toEqual([
      "after_payment_success",
      "analytics:payment_succeeded",
      "analytics:payment_captured",
      "analytics:payment_refunded",
    ]);
  });

  it("refuses a report about another plugin's payment, or a payment the store does not have", async () => {
    const store = await givenPaymentsStore();
    const payment = (await pay(store, { amount: 1000, currency: "USD" })).body;
    const run = hookRun(store.tenant.id);
    const update = { payment_id: payment.id, transaction_id: String(payment.transaction_id), status: "captured" };
    await expect(applyPaymentUpdate(run, "stripe-gateway", update)).rejects.toMatchObject({
      code: "PAYMENT_NOT_FOUND",
    });
    const other = await givenPaymentsStore();
    await expect(applyPaymentUpdate(hookRun(other.tenant.id), "test-payments", update)).rejects.toMatchObject({
      code: "PAYMENT_NOT_FOUND",
    });
    await expect(applyPaymentUpdate(run, "test-payments", { ...update, captured_amount: 1.5 })).rejects.toMatchObject({
      code: "PLUGIN_FAILED",
      message: expect.stringContaining("captured_amount"),
    });
    expect((await get(store, payment.id)).status).toBe("authorized");
  });
});

describe("an indeterminate answer", () => {
  it("leaves the payment pending (202), then the refresh finds the charge the provider made, firing success once", async () => {
    const store = await givenPaymentsStore();
    const res = await pay(store, { amount: 1000, currency: "USD", method: "card_timeout" }, "checkout-t");
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: "pending",
      transaction_id: null,
      next_action: null,
      error: { code: "PROVIDER_TIMEOUT" },
    });
    expect(await paymentEvents(store, res.body.id)).toEqual([]);
    const refreshed = await operate(store, res.body.id, "refresh");
    expect(refreshed.body).toMatchObject({
      status: "authorized",
      transaction_id: expect.stringMatching(/^tp_/),
      error: null,
    });
    // the client's retry of the same request now gets the settled answer, not a second charge
    const retried = await pay(store, { amount: 1000, currency: "USD", method: "card_timeout" }, "checkout-t");
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ id: res.body.id, status: "authorized" });
    const { charges, calls } = await gatewayOf(store);
    expect(charges).toHaveLength(1);
    expect(calls.filter((c) => c.method === "processPayment").map((c) => c.idempotency_key)).toEqual([
      `pay:${store.tenant.id}:checkout-t`,
      `pay:${store.tenant.id}:checkout-t`,
    ]);
    expect(await paymentEvents(store, res.body.id)).toEqual(["after_payment_success", "analytics:payment_succeeded"]);
  });

  it("is settled by a retry with the same Idempotency-Key, asking the provider again with the same key", async () => {
    const store = await givenPaymentsStore();
    const first = await pay(store, { amount: 1000, currency: "USD", method: "card_timeout" }, "checkout-u");
    expect(first.status).toBe(202);
    const retried = await pay(store, { amount: 1000, currency: "USD", method: "card_timeout" }, "checkout-u");
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ id: first.body.id, status: "authorized" });
    expect((await gatewayOf(store)).charges).toHaveLength(1);
  });
});
