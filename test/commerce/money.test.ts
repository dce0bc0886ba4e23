/**
 * Money in integer minor units: 500 JPY is 500, 12.50 USD is 1250, 1.250 KWD is 1250. Stored,
 * answered, summed and handed to the payment plugin exactly as given (never multiplied, never a
 * float); an amount that is not an integer is refused, naming the field and saying what the unit is.
 */
import { describe, expect, it } from "vitest";
import { type ErrorBody, gatewayOf, givenPaymentsStore, givenProduct, operate, type Payment, pay } from "./given.ts";

const RULE =
  "must be an integer in the currency's minor units (USD: cents, 12.50 USD is 1250; JPY: yen, 500 JPY is 500; KWD: fils, 1.250 KWD is 1250)";

describe("amounts in the currency's minor units", () => {
  it.each([
    ["JPY", "zero-decimal: 500 JPY", 500],
    ["USD", "two decimals: 12.50 USD", 1250],
    ["KWD", "three decimals: 1.250 KWD", 1250],
  ])("charges %s (%s) exactly, from the product's price to the plugin's charge", async (currency, _, price) => {
    const store = await givenPaymentsStore();
    const product = await givenProduct(store, { price, currency });
    expect(product.price).toBe(price);
    const order = await store.shop<{ id: string; total: number; items: { unit_price: number }[] }>(
      "POST",
      "/api/commerce/orders",
      { items: [{ product_id: product.id, quantity: 3 }] },
    );
    expect(order.body).toMatchObject({ total: price * 3, items: [{ unit_price: price }] });
    const payment = await pay(store, { order_id: order.body.id });
    expect(payment.status).toBe(201);
    expect(payment.body).toMatchObject({ amount: price * 3, currency });
    const { calls, charges } = await gatewayOf(store);
    const sent = calls.find((c) => c.method === "processPayment")?.args[0] as { amount: number; currency: string };
    // exactly the integer: not a float, not multiplied by 100
    expect(sent).toMatchObject({ amount: price * 3, currency });
    expect(Number.isInteger(sent.amount)).toBe(true);
    expect(charges[0]).toMatchObject({ amount: price * 3, currency });
    const captured = await operate(store, payment.body.id, "capture", { amount: price * 2 });
    expect(captured.body).toMatchObject({ captured_amount: price * 2 });
    const refunded = await operate(store, payment.body.id, "refund", { amount: price });
    expect(refunded.body).toMatchObject({ status: "captured", refunded_amount: price });
    const stored = await store.shop<Payment>("GET", `/api/commerce/payments/${payment.body.id}`);
    expect(stored.body).toMatchObject({ amount: price * 3, captured_amount: price * 2, refunded_amount: price });
  });

  it("passes an amount given with the payment as it is, whatever the currency's decimals", async () => {
    const store = await givenPaymentsStore();
    await pay(store, { amount: 100_000, currency: "JPY" });
    await pay(store, { amount: 1250, currency: "BHD" });
    const { calls } = await gatewayOf(store);
    expect(calls.map((c) => (c.args[0] as { amount: number; currency: string }).amount)).toEqual([100_000, 1250]);
  });
});

describe("an amount that is not an integer", () => {
  it("is refused for a payment, naming amount and saying what the unit is", async () => {
    const store = await givenPaymentsStore();
    const res = await pay<ErrorBody>(store, { amount: 12.5, currency: "USD" });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "VALIDATION_FAILED", message: `Invalid request: amount: ${RULE}` });
    expect((await gatewayOf(store)).calls).toEqual([]);
  });

  it.each([
    ["a product's price", "POST", "/api/commerce/products", { title: "Mug", price: 12.99, currency: "USD" }, "price"],
  ])("is refused for %s, naming the field", async (_, method, path, body, field) => {
    const store = await givenPaymentsStore();
    const res = await store.shop<ErrorBody>(method, path, body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(`Invalid request: ${field}: ${RULE}`);
  });

  it.each([
    ["capture", { amount: 0.5 }],
    ["refund", { amount: 2.5 }],
  ] as const)("is refused for a %s, naming amount", async (operation, body) => {
    const store = await givenPaymentsStore({ capture: operation === "refund" ? "automatic" : "manual" });
    const payment = (await pay(store, { amount: 1000, currency: "USD" })).body;
    const res = await operate<ErrorBody>(store, payment.id, operation, body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(`Invalid request: amount: ${RULE}`);
  });
});
