/** Products: create and update fire their before and after hooks; reads are scoped to the store and paged. */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { committedBy, type ErrorBody, givenActive, givenProduct, givenStore, type Product, topicsOf } from "./given.ts";

describe("creating a product", () => {
  it("stores it, and commits after_product_create and an analytics event with it", async () => {
    const store = await givenStore();
    const res = await store.shop<Product>("POST", "/api/commerce/products", {
      title: "Mug",
      price: 1250,
      currency: "USD",
      sku: "MUG-1",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ title: "Mug", price: 1250, currency: "USD", sku: "MUG-1", metadata: {} });
    expect(res.body.id).toMatch(/^prod_/);
    const events = await committedBy(res.traceId);
    expect(topicsOf(events)).toEqual(["after_product_create", "analytics:product_created"]);
    expect(events[0]?.payload).toEqual({ product: expect.objectContaining({ id: res.body.id, title: "Mug" }) });
    expect(events[1]?.queue).toBe("analytics-events");
  });

  it("stores the product as an active plugin's before_product_create changed it", async () => {
    const store = await givenStore();
    await givenActive(store, "probe", { greeting: "hej" });
    const res = await store.shop<Product>("POST", "/api/commerce/products", {
      title: "Mug",
      price: 12,
      currency: "USD",
    });
    expect(res.status).toBe(201);
    expect(res.body.metadata).toEqual({ probed_by: "probe", greeting: "hej" });
    const stored = await store.shop<Product>("GET", `/api/commerce/products/${res.body.id}`);
    expect(stored.body.metadata).toEqual({ probed_by: "probe", greeting: "hej" });
    const [after] = await committedBy(res.traceId);
    expect(after?.payload).toMatchObject({ product: { metadata: { probed_by: "probe" } } });
  });

  it.each([
    ["title", { price: 1, currency: "USD" }],
    ["price", { title: "Mug", price: -1, currency: "USD" }],
    ["price", { title: "Mug", price: 12.5, currency: "USD" }],
    ["currency", { title: "Mug", price: 1, currency: "usd" }],
    ["colour", { title: "Mug", price: 1, currency: "USD", colour: "red" }],
  ])("answers 400 naming %s when it is missing, wrong or unknown", async (field, body) => {
    const store = await givenStore();
    const res = await store.shop<ErrorBody>("POST", "/api/commerce/products", body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.message).toContain(field);
  });

  it("refuses a SKU another product of the store has, and commits nothing", async () => {
    const store = await givenStore();
    const first = await givenProduct(store, { sku: "TS-1" });
    const res = await store.shop<ErrorBody>("POST", "/api/commerce/products", {
      title: "Other",
      price: 1,
      currency: "USD",
      sku: "TS-1",
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "SKU_TAKEN", message: expect.stringContaining(first.id) });
    expect(await committedBy(res.traceId)).toEqual([]);
  });

  it("lets two stores use the same SKU", async () => {
    const [a, b] = [await givenStore(), await givenStore()];
    await givenProduct(a, { sku: "SHARED" });
    await givenProduct(b, { sku: "SHARED" });
  });

  it("needs the admin or owner role; a viewer reads", async () => {
    const store = await givenStore();
    const refused = await store.shopAs("viewer")<ErrorBody>("POST", "/api/commerce/products", {
      title: "Mug",
      price: 1,
      currency: "USD",
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("FORBIDDEN");
    const product = await givenProduct(store);
    expect((await store.shopAs("viewer")("GET", `/api/commerce/products/${product.id}`)).status).toBe(200);
    expect(
      (await store.shopAs("owner")("POST", "/api/commerce/products", { title: "A", price: 1, currency: "USD" })).status,
    ).toBe(201);
  });

  it("answers every commerce request with a trace id, errors too", async () => {
    const store = await givenStore();
    const missing = await store.shop("GET", "/api/commerce/products/prod_nope");
    expect(missing.status).toBe(404);
    expect(missing.traceId).toMatch(/^tr_/);
  });
});

describe("updating a product", () => {
  it("fires before_product_update with the merged product and the previous one, then after_product_update", async () => {
    const store = await givenStore();
    const product = await givenProduct(store, { title: "Mug", price: 1200, metadata: { color: "blue" } });
    const res = await store.shop<Product>("PATCH", `/api/commerce/products/${product.id}`, { price: 950 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: product.id, title: "Mug", price: 950, metadata: { color: "blue" } });
    expect(res.body.created_at).toBe(product.created_at);
    const events = await committedBy(res.traceId);
    expect(topicsOf(events)).toEqual(["after_product_update", "analytics:product_updated"]);
    expect(events[0]?.payload).toMatchObject({
      product: { id: product.id, price: 950, title: "Mug" },
      previous: { id: product.id, price: 1200, title: "Mug" },
    });
    expect(events[1]?.payload).toMatchObject({ properties: { product_id: product.id, changed: ["price"] } });
  });

  it("stores the change as an active plugin's before_product_update returned it", async () => {
    const store = await givenStore();
    await givenActive(store, "test-store-rules");
    const product = await givenProduct(store, { price: 12 });
    const res = await store.shop<Product>("PATCH", `/api/commerce/products/${product.id}`, { price: 10 });
    expect(res.status).toBe(200);
    expect(res.body.metadata).toEqual({ reviewed_by: "test-store-rules" });
    const stored = await store.shop<Product>("GET", `/api/commerce/products/${product.id}`);
    expect(stored.body).toEqual(res.body);
  });

  it("changes nothing and commits nothing when before_product_update vetoes", async () => {
    const store = await givenStore();
    await givenActive(store, "test-store-rules");
    const product = await givenProduct(store, { price: 12 });
    const res = await store.shop<ErrorBody>("PATCH", `/api/commerce/products/${product.id}`, { price: 5 });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "HOOK_VETOED", message: expect.stringContaining("needs approval") });
    expect((await store.shop<Product>("GET", `/api/commerce/products/${product.id}`)).body.price).toBe(12);
    expect(await committedBy(res.traceId)).toEqual([]);
  });

  it("answers 404 for a product the store does not have, including another store's", async () => {
    const [mine, theirs] = [await givenStore(), await givenStore()];
    const product = await givenProduct(theirs);
    const res = await mine.shop<ErrorBody>("PATCH", `/api/commerce/products/${product.id}`, { price: 1 });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: "PRODUCT_NOT_FOUND", message: expect.stringContaining(product.id) });
    expect((await mine.shop("GET", `/api/commerce/products/${product.id}`)).status).toBe(404);
  });

  it("refuses an empty change with 400", async () => {
    const store = await givenStore();
    const product = await givenProduct(store);
    const res = await store.shop<ErrorBody>("PATCH", `/api/commerce/products/${product.id}`, {});
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("at least one field");
  });
});

describe("listing products", () => {
  it("pages through the store's products oldest first, and only the store's", async () => {
    const [store, other] = [await givenStore(), await givenStore()];
    const created: Product[] = [];
    for (const title of ["A", "B", "C", "D", "E"]) created.push(await givenProduct(store, { title }));
    await givenProduct(other, { title: "not mine" });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const res = await store.shopAs("viewer")<{ products: Product[]; next_cursor: string | null }>(
        "GET",
        `/api/commerce/products${query}`,
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.products.map((p) => p.id));
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(created.map((p) => p.id));
    expect(pages).toBe(3);
  });

  it.each([
    ["limit", "?limit=0"],
    ["limit", "?limit=101"],
    ["cursor", "?cursor=not-a-cursor"],
  ])("answers 400 naming query.%s for %s", async (field, query) => {
    const store = await givenStore();
    const res = await store.shop<ErrorBody>("GET", `/api/commerce/products${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(`query.${field}`);
  });
});

describe("the OpenAPI document", () => {
  it("lists the commerce routes", async () => {
    const res = await SELF.fetch("http://commerce.test/api/openapi.json");
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [path, method] of [
      ["/api/commerce/products", "post"],
      ["/api/commerce/products/{id}", "patch"],
      ["/api/commerce/orders/{id}/complete", "post"],
      ["/api/commerce/payments", "post"],
      ["/api/commerce/payments/{id}/refund", "post"],
      ["/api/commerce/users", "post"],
      ["/api/commerce/auth/sign-in", "post"],
      ["/api/commerce/auth/sign-out", "post"],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
  });
});
