/**
 * Idempotency all the way: a request repeated with its Idempotency-Key and the same body replays
 * the first answer and charges once; the same key with another body is refused (409); and every
 * call to the plugin carries a key derived from the platform's operation, so a retry never
 * charges, captures, cancels or refunds twice at the provider.
 */

import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { type ErrorBody, gatewayOf, givenPaymentsStore, operate, pay, paymentEvents } from "./given.ts";

describe("the same payment request twice", () => {
  it("charges once and answers the second with the first answer", async () => {
    const store = await givenPaymentsStore();
    const body = { amount: 1000, currency: "USD", method: "card", metadata: { cart: "c-1" } };
    const first = await pay(store, body, "checkout-1");
    const second = await pay(store, body, "checkout-1");
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    const { charges, calls } = await gatewayOf(store);
    expect(charges).toHaveLength(1);
    expect(calls.map((c) => c.method)).toEqual(["processPayment"]);
    expect(await paymentEvents(store, first.body.id)).toEqual(["after_payment_success", "analytics:payment_succeeded"]);
  });

  it("keeps the SHA-256 of the request body with the payment", async () => {
    const store = await givenPaymentsStore();
    const first = await pay(store, { amount: 1000, currency: "USD" }, "checkout-h");
    const row = await ledgerDb(env, store.tenant.id)
      .prepare("SELECT request_hash FROM payments WHERE id = ?")
      .bind(first.body.id)
      .first<{ request_hash: string }>();
    expect(row?.request_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses the same key with another body with 409, charging nothing more", async () => {
    const store = await givenPaymentsStore();
    const first = await pay(store, { amount: 1000, currency: "USD" }, "checkout-2");
    const other = await pay<ErrorBody>(store, { amount: 2000, currency: "USD" }, "checkout-2");
    expect(other.status).toBe(409);
    expect(other.body.error).toEqual({
      code: "IDEMPOTENCY_KEY_REUSED",
      message: `Idempotency-Key checkout-2 was already used for payment ${first.body.id} with a different request body; send the same body to get the first answer again, or use a new key for a new request.`,
      details: { idempotency_key: "checkout-2" },
    });
    expect((await gatewayOf(store)).charges).toHaveLength(1);
  });

  it("passes the plugin a key derived from the store and the request, or from the payment without one", async () => {
    const store = await givenPaymentsStore();
    await pay(store, { amount: 1000, currency: "USD" }, "checkout-3");
    const unkeyed = (await pay(store, { amount: 1000, currency: "USD" })).body;
    const { calls } = await gatewayOf(store);
    expect(calls.map((c) => c.idempotency_key)).toEqual([
      `pay:${store.tenant.id}:checkout-3`,
      `pay:${store.tenant.id}:${unkeyed.id}`,
    ]);
    // the provider's metadata can name the payment and the store
    expect(calls[1]?.args[0]).toMatchObject({ payment_id: unkeyed.id, tenant_id: store.tenant.id });
  });
});

describe("captures and refunds with keys", () => {
  it("replays a capture repeated with its key, and refuses the key with another amount", async () => {
    const store = await givenPaymentsStore();
    const payment = (await pay(store, { amount: 1000, currency: "USD" })).body;
    const first = await operate(store, payment.id, "capture", { amount: 700 }, "cap-1");
    const again = await operate(store, payment.id, "capture", { amount: 700 }, "cap-1");
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const other = await operate<ErrorBody>(store, payment.id, "capture", { amount: 900 }, "cap-1");
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    const { calls } = await gatewayOf(store);
    expect(calls.filter((c) => c.method === "capturePayment").map((c) => c.idempotency_key)).toEqual([
      `capture:${store.tenant.id}:${payment.id}`,
    ]);
  });

  it("refunds once per key: the repeat replays, another amount under the key is refused", async () => {
    const store = await givenPaymentsStore({ capture: "automatic" });
    const payment = (await pay(store, { amount: 1000, currency: "USD" })).body;
    const first = await operate(store, payment.id, "refund", { amount: 250 }, "rf-1");
    const again = await operate(store, payment.id, "refund", { amount: 250 }, "rf-1");
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const other = await operate<ErrorBody>(store, payment.id, "refund", { amount: 300 }, "rf-1");
    expect(other.status).toBe(409);
    // a new key is a new refund, and they add up
    const second = await operate(store, payment.id, "refund", { amount: 250 }, "rf-2");
    expect(second.body).toMatchObject({ status: "captured", refunded_amount: 500 });
    const { calls } = await gatewayOf(store);
    expect(calls.filter((c) => c.method === "refundPayment").map((c) => c.idempotency_key)).toEqual([
      `refund:${store.tenant.id}:${payment.id}:rf-1`,
      `refund:${store.tenant.id}:${payment.id}:rf-2`,
    ]);
  });

  it("counts two refunds racing under one key once", async () => {
    const store = await givenPaymentsStore({ capture: "automatic" });
    const payment = (await pay(store, { amount: 1000, currency: "USD" })).body;
    const [a, b] = await Promise.all([
      operate(store, payment.id, "refund", { amount: 400 }, "rf-race"),
      operate(store, payment.id, "refund", { amount: 400 }, "rf-race"),
    ]);
    expect([a.status, b.status], JSON.stringify([a.body, b.body])).toEqual([200, 200]);
    const stored = await store.shop<{ refunded_amount: number }>("GET", `/api/commerce/payments/${payment.id}`);
    expect(stored.body.refunded_amount).toBe(400);
    expect((await paymentEvents(store, payment.id)).filter((e) => e === "analytics:payment_refunded")).toHaveLength(1);
  });
});
