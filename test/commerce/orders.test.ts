/** Orders: placed at the catalogue's prices with before/after_order_create, completed with before/after_order_complete. */
import { describe, expect, it } from "vitest";
import { committedBy, type ErrorBody, givenActive, givenProduct, givenStore, type Store, topicsOf } from "./given.ts";

interface Order {
  id: string;
  items: { product_id: string; title?: string; sku?: string; quantity: number; unit_price: number }[];
  total: number;
  currency: string;
  status: string;
  customer_id?: string;
  metadata: Record<string, unknown>;
  completed_at: string | null;
}

async function givenOrder(store: Store, metadata: Record<string, unknown> = {}): Promise<Order> {
  const product = await givenProduct(store, { price: 1000 });
  const res = await store.shop<Order>("POST", "/api/commerce/orders", {
    items: [{ product_id: product.id, quantity: 1 }],
    metadata,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe("placing an order", () => {
  it("prices each line at the product's price, computes the total, and commits after_order_create", async () => {
    const store = await givenStore();
    // minor units: 12.10 and 0.20 USD, summed exactly
    const mug = await givenProduct(store, { title: "Mug", price: 1210 });
    const tee = await givenProduct(store, { title: "Tee", price: 20 });
    const res = await store.shop<Order>("POST", "/api/commerce/orders", {
      customer_id: "cus_1",
      items: [
        { product_id: mug.id, quantity: 2 },
        { product_id: tee.id, quantity: 3 },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: "pending",
      currency: "USD",
      total: 2480,
      customer_id: "cus_1",
      items: [
        { product_id: mug.id, quantity: 2, unit_price: 1210 },
        { product_id: tee.id, quantity: 3, unit_price: 20 },
      ],
    });
    const events = await committedBy(res.traceId);
    expect(topicsOf(events)).toEqual(["after_order_create", "analytics:order_created"]);
    expect(events[0]?.payload).toMatchObject({ order: { id: res.body.id, total: 2480, status: "pending" } });
    expect(events[1]?.payload).toMatchObject({ user_id: "cus_1", properties: { order_id: res.body.id, items: 2 } });
    const stored = await store.shopAs("viewer")<Order>("GET", `/api/commerce/orders/${res.body.id}`);
    expect(stored.body).toEqual(res.body);
  });

  it("keeps each line's product title and SKU as they were when ordered, for receipts and confirmations", async () => {
    const store = await givenStore();
    const mug = await givenProduct(store, { title: "Mug", sku: "MUG-1", price: 1210 });
    const res = await store.shop<Order>("POST", "/api/commerce/orders", {
      items: [{ product_id: mug.id, quantity: 1 }],
    });
    expect(res.body.items).toEqual([{ product_id: mug.id, title: "Mug", sku: "MUG-1", quantity: 1, unit_price: 1210 }]);
    const renamed = await store.shop("PATCH", `/api/commerce/products/${mug.id}`, { title: "Big mug" });
    expect(renamed.status).toBe(200);
    const stored = await store.shop<Order>("GET", `/api/commerce/orders/${res.body.id}`);
    expect(stored.body.items[0]).toMatchObject({ title: "Mug", sku: "MUG-1" });
    const [created] = await committedBy(res.traceId);
    expect(created?.payload).toMatchObject({ order: { items: [{ title: "Mug", sku: "MUG-1" }] } });
  });

  it("keeps the total an active plugin's before_order_create set (a coupon)", async () => {
    const store = await givenStore();
    await givenActive(store, "test-store-rules");
    const order = await givenOrder(store, { coupon: "TEN" });
    expect(order.total).toBe(900);
    expect(order.metadata).toEqual({ coupon: "TEN", discount: "10%" });
  });

  it("refuses lines naming products the store does not have, naming each line", async () => {
    const [store, other] = [await givenStore(), await givenStore()];
    const mine = await givenProduct(store);
    const theirs = await givenProduct(other);
    const res = await store.shop<ErrorBody>("POST", "/api/commerce/orders", {
      items: [
        { product_id: mine.id, quantity: 1 },
        { product_id: theirs.id, quantity: 1 },
        { product_id: "prod_missing", quantity: 1 },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("INVALID_ORDER");
    expect(res.body.error.message).toContain(`items.1.product_id: this store has no product ${theirs.id}`);
    expect(res.body.error.message).toContain("items.2.product_id");
    expect(await committedBy(res.traceId)).toEqual([]);
  });

  it("refuses products priced in different currencies in one order", async () => {
    const store = await givenStore();
    const usd = await givenProduct(store, { currency: "USD" });
    const eur = await givenProduct(store, { currency: "EUR" });
    const res = await store.shop<ErrorBody>("POST", "/api/commerce/orders", {
      items: [
        { product_id: usd.id, quantity: 1 },
        { product_id: eur.id, quantity: 1 },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain("EUR and USD");
  });

  it.each([
    ["no lines", { items: [] }, "items"],
    ["a quantity of 0", { items: [{ product_id: "p", quantity: 0 }] }, "items.0.quantity"],
    [
      "a price of its own (prices are the catalogue's)",
      { items: [{ product_id: "p", quantity: 1, unit_price: 1 }] },
      "unit_price",
    ],
    ["no items at all", { customer_id: "c" }, "items"],
  ])("answers 400 for an order with %s, naming the field", async (_, body, field) => {
    const store = await givenStore();
    const res = await store.shop<ErrorBody>("POST", "/api/commerce/orders", body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(field);
  });
});

describe("completing an order", () => {
  it("completes a pending order and commits after_order_complete once", async () => {
    const store = await givenStore();
    const order = await givenOrder(store);
    const res = await store.shop<Order>("POST", `/api/commerce/orders/${order.id}/complete`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: order.id, status: "completed" });
    expect(res.body.completed_at).not.toBeNull();
    const events = await committedBy(res.traceId);
    expect(topicsOf(events)).toEqual(["after_order_complete", "analytics:order_completed"]);
    expect(events[0]?.payload).toMatchObject({ order: { id: order.id, status: "completed", total: 1000 } });

    const again = await store.shop<ErrorBody>("POST", `/api/commerce/orders/${order.id}/complete`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: "ORDER_STATE_CONFLICT",
      message: expect.stringContaining("completed"),
    });
    expect(await committedBy(again.traceId)).toEqual([]);
  });

  it("keeps what before_order_complete added to the order (a fulfilment reference)", async () => {
    const store = await givenStore();
    await givenActive(store, "test-store-rules");
    const order = await givenOrder(store);
    const res = await store.shop<Order>("POST", `/api/commerce/orders/${order.id}/complete`);
    expect(res.body.metadata).toEqual({ fulfilment: `ful_${order.id}` });
    const [after] = await committedBy(res.traceId);
    expect(after?.payload).toMatchObject({ order: { metadata: { fulfilment: `ful_${order.id}` } } });
  });

  it("fires after_order_complete once when two completions race", async () => {
    const store = await givenStore();
    const order = await givenOrder(store);
    const answers = await Promise.all([
      store.shop("POST", `/api/commerce/orders/${order.id}/complete`),
      store.shop("POST", `/api/commerce/orders/${order.id}/complete`),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const committed = (await Promise.all(answers.map((a) => committedBy(a.traceId)))).flat();
    expect(topicsOf(committed).filter((t) => t === "after_order_complete")).toHaveLength(1);
  });

  it("answers 404 for an order the store does not have", async () => {
    const store = await givenStore();
    const res = await store.shop<ErrorBody>("POST", "/api/commerce/orders/ord_missing/complete");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("ORDER_NOT_FOUND");
    expect((await store.shop("GET", "/api/commerce/orders/ord_missing")).status).toBe(404);
  });
});
