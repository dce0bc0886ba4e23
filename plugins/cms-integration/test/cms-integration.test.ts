/**
 * cms-integration against a real Strapi v5 on loopback (test/peers/strapi, booted by the global setup):
 * products pushed through the platform's hooks and checked with Strapi's own REST API, product pages
 * served from what editors published, cached and dropped by Strapi's own webhooks forwarded byte for
 * byte, and every failure path ending as a clear error, a retry, a dead letter or a refusal.
 */

import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ledgerDb } from "../../../api/src/ledger/index.ts";
import { STRAPI_PEER } from "../../../test/peers/ports.ts";
import { eventually, fire, hookRun } from "../../../test/pipeline/helpers.ts";
import {
  arrivedInStrapi,
  type CmsStore,
  deadLetterOf,
  deliveriesOf,
  editorPublishes,
  entriesWhere,
  entriesWithSku,
  forward,
  givenCmsStore,
  STRAPI_BOOT_TIMEOUT_MS,
  settledDeliveries,
  strapiIsUp,
  uniqueSku,
  webhookOnce,
} from "./given.ts";

// the global setup boots Strapi in the background (installing it first on a cold machine): wait for it here
beforeAll(strapiIsUp, STRAPI_BOOT_TIMEOUT_MS);

/** A product pushed and published by an editor: the page the storefront reads. */
async function givenPublishedPage(store: CmsStore, headline = "The mug you reach for") {
  const sku = uniqueSku();
  await store.createProduct({ sku });
  const draft = await arrivedInStrapi(sku);
  await editorPublishes(draft.documentId, { headline, body: "Thrown by hand in **Stoke**." });
  return { sku, documentId: draft.documentId };
}

describe("products pushed to Strapi", { timeout: 30_000 }, () => {
  it("creates a draft entry keyed by the SKU with the product's commerce fields", async () => {
    const store = await givenCmsStore();
    const sku = uniqueSku();
    const product = await store.createProduct({ sku, title: "Stoneware mug", price: 1250, currency: "USD" });
    const entry = await arrivedInStrapi(sku);
    expect(entry).toMatchObject({
      sku,
      product_id: product.id,
      title: "Stoneware mug",
      description: "Holds 350 ml.",
      price: 1250,
      currency: "USD",
      publishedAt: null,
    });
    // a draft: the storefront sees nothing until an editor publishes it
    expect(await entriesWithSku(sku, "published")).toEqual([]);
    const [delivery] = await settledDeliveries(store, "after_product_create");
    expect(delivery?.status).toBe("succeeded");
  });

  it("updates that entry when the product changes, keeping what editors wrote", async () => {
    const store = await givenCmsStore();
    const sku = uniqueSku();
    const product = await store.createProduct({ sku });
    const draft = await arrivedInStrapi(sku);
    await editorPublishes(draft.documentId, { headline: "Our best mug", body: "Dishwasher safe." });
    await store.updateProduct(product.id, { price: 1400, title: "Stoneware mug, large" });
    const updated = await arrivedInStrapi(sku, (e) => e.price === 1400);
    expect(updated).toMatchObject({
      documentId: draft.documentId,
      title: "Stoneware mug, large",
      headline: "Our best mug",
      body: "Dishwasher safe.",
    });
    expect(await entriesWithSku(sku)).toHaveLength(1);
  });

  it("moves the entry to the new SKU when the product's SKU changes", async () => {
    const store = await givenCmsStore();
    const [before, after] = [uniqueSku(), uniqueSku()];
    const product = await store.createProduct({ sku: before });
    const draft = await arrivedInStrapi(before);
    await store.updateProduct(product.id, { sku: after });
    const moved = await arrivedInStrapi(after);
    expect(moved.documentId).toBe(draft.documentId);
    expect(await entriesWithSku(before)).toEqual([]);
  });

  it("makes no second entry for a delivery redelivered by the queue, nor for the same product pushed twice at once", async () => {
    const store = await givenCmsStore();
    const sku = uniqueSku();
    const product = await store.createProduct({ sku });
    const [delivery] = await settledDeliveries(store, "after_product_create");
    const entry = await arrivedInStrapi(sku);
    const copy = {
      type: "delivery",
      delivery_id: delivery?.id,
      event_id: delivery?.event_id,
      tenant_id: store.tenant.id,
      plugin_slug: "cms-integration",
      hook: "after_product_create",
      payload: { product },
    };
    await env.HOOK_EVENTS.sendBatch([{ body: copy }, { body: copy }]);
    // two updates of the same product delivered together: both find the one entry, neither makes another
    const changed = { ...product, description: "Holds 400 ml." };
    await fire(hookRun(store.tenant.id), "after_product_update", { product: changed, previous: product }, 2);
    await settledDeliveries(store, "after_product_update", 2);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const entries = await entriesWithSku(sku);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ documentId: entry.documentId, description: "Holds 400 ml." });
  });

  it("makes one entry when pushes of a new product arrive together (created, then updated at once)", async () => {
    const store = await givenCmsStore();
    const sku = uniqueSku();
    const product = {
      id: `prod_${crypto.randomUUID()}`,
      title: "Teapot",
      sku,
      price: 3900,
      currency: "EUR",
      metadata: {},
    };
    const run = hookRun(store.tenant.id);
    await Promise.all([
      fire(run, "after_product_create", { product }),
      fire(run, "after_product_update", { product: { ...product, price: 3500 }, previous: product }),
      fire(run, "after_product_update", { product: { ...product, price: 3500 }, previous: product }),
    ]);
    const create = await settledDeliveries(store, "after_product_create", 1, 60_000);
    const updates = await settledDeliveries(store, "after_product_update", 2, 60_000);
    expect([...create, ...updates].map((d) => d.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    const entries = await entriesWithSku(sku);
    expect(entries).toHaveLength(1);
  });

  it("keeps the newer version when a retried create runs after a later update", async () => {
    const store = await givenCmsStore();
    const sku = uniqueSku();
    const created = {
      id: `prod_${crypto.randomUUID()}`,
      title: "Jug",
      sku,
      price: 2900,
      currency: "EUR",
      metadata: {},
    };
    const v1 = { ...created, updated_at: "2026-12-01T10:00:00.000Z" };
    const v2 = { ...created, price: 2500, updated_at: "2026-12-01T10:05:00.000Z" };
    const run = hookRun(store.tenant.id);
    await fire(run, "after_product_update", { product: v2, previous: v1 });
    await settledDeliveries(store, "after_product_update", 1);
    // the create's delivery, late (its first attempts failed while the CMS was down, say)
    await fire(run, "after_product_create", { product: v1 });
    const [create] = await settledDeliveries(store, "after_product_create", 1);
    expect(create?.status).toBe("succeeded");
    const entries = await entriesWithSku(sku);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ price: 2500 });
  });

  it("skips a product without a SKU: nothing could find its entry again", async () => {
    const store = await givenCmsStore();
    const product = await store.createProduct({ title: "Gift card" });
    const [delivery] = await settledDeliveries(store, "after_product_create");
    expect(delivery?.status).toBe("succeeded");
    expect(await entriesWhere("product_id", product.id)).toEqual([]);
  });
});

describe("the product page", { timeout: 30_000 }, () => {
  it("serves what the editor published, from Strapi and then from the cache", async () => {
    const store = await givenCmsStore();
    const { sku, documentId } = await givenPublishedPage(store, "The mug you reach for");
    const first = await store.page(sku);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({
      sku,
      source: "cms",
      page: {
        id: documentId,
        fields: { sku, headline: "The mug you reach for", body: "Thrown by hand in **Stoke**." },
      },
    });
    expect(first.body.page.published_at).toEqual(expect.any(String));
    const second = await store.page(sku);
    expect(second.body.source).toBe("cache");
    expect(second.headers.get("x-cms-cache")).toBe("hit");
    expect(second.body.page).toEqual(first.body.page);
  });

  it("answers 404 for a SKU no editor has published yet, and 400 without a SKU", async () => {
    const store = await givenCmsStore();
    const sku = uniqueSku();
    await store.createProduct({ sku });
    await arrivedInStrapi(sku);
    const unpublished = await store.page(sku);
    expect(unpublished.status).toBe(404);
    expect(unpublished.body.error.code).toBe("PAGE_NOT_FOUND");
    expect(unpublished.body.error.message).toContain(`Strapi at ${STRAPI_PEER.url}`);
    const invalid = await store.page("bad\u0007sku");
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ code: "INVALID_SKU" });
    expect(invalid.body.error.message).toContain("/products/MUG-1/page");
  });

  it("drops the cached page when Strapi's webhook says an editor republished it", async () => {
    const store = await givenCmsStore();
    const { sku, documentId } = await givenPublishedPage(store, "First headline");
    expect((await store.page(sku)).body.page.fields.headline).toBe("First headline");
    await editorPublishes(documentId, { headline: "Second headline", body: "Now in blue." });
    // cached: the CMS is not asked again until it says something changed
    expect((await store.page(sku)).body).toMatchObject({
      source: "cache",
      page: { fields: { headline: "First headline" } },
    });
    const webhook = await webhookOnce(sku, "entry.publish", (entry) => entry.headline === "Second headline");
    const accepted = await forward(store, webhook);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    await settledDeliveries(store, "webhook:/strapi");
    const fresh = await store.page(sku);
    expect(fresh.body).toMatchObject({ source: "cms", page: { fields: { headline: "Second headline" } } });
  });

  it("handles a webhook Strapi's delivery repeats once", async () => {
    const store = await givenCmsStore();
    const { sku } = await givenPublishedPage(store);
    const webhook = await webhookOnce(sku, "entry.publish", () => true);
    expect((await forward(store, webhook)).status).toBe(200);
    const again = await forward(store, webhook);
    expect(again.body.duplicate).toBe(true);
    await settledDeliveries(store, "webhook:/strapi");
    expect(await deliveriesOf(store, "webhook:/strapi")).toHaveLength(1);
  });
});

describe("when Strapi is down or refuses", { timeout: 30_000 }, () => {
  it("answers from the cache while it lasts, then 502 naming Strapi", async () => {
    const store = await givenCmsStore({ cache_ttl: 2 });
    const { sku } = await givenPublishedPage(store, "Cached headline");
    expect((await store.page(sku)).body.source).toBe("cms");
    await store.configure({ cms_url: STRAPI_PEER.downUrl });
    const cached = await store.page(sku);
    expect(cached.status).toBe(200);
    expect(cached.body).toMatchObject({ source: "cache", page: { fields: { headline: "Cached headline" } } });
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    const down = await store.page(sku);
    expect(down.status).toBe(502);
    expect(down.body.error.code).toBe("CMS_UNREACHABLE");
    expect(down.body.error.message).toContain(`Strapi at ${STRAPI_PEER.downUrl} could not be reached`);
  });

  it("retries a push while Strapi is down, dead-letters it, and a replay once it is back makes exactly one entry", async () => {
    const store = await givenCmsStore({ cms_url: STRAPI_PEER.downUrl });
    const sku = uniqueSku();
    await store.createProduct({ sku });
    const [delivery] = await settledDeliveries(store, "after_product_create", 1, 60_000);
    const letter = await deadLetterOf(store, delivery?.event_id as string);
    expect(letter.attempts).toBeGreaterThan(1);
    expect(letter.last_error).toContain("CMS_UNREACHABLE");
    expect(letter.last_error).toContain(`Strapi at ${STRAPI_PEER.downUrl}`);
    expect(await entriesWithSku(sku)).toEqual([]);
    await store.configure({ cms_url: STRAPI_PEER.url });
    expect((await store.api("POST", `/api/admin/dead-letters/${letter.id}/replay`)).status).toBe(200);
    await eventually(async () => {
      const [row] = await deliveriesOf(store, "after_product_create");
      return row?.status === "succeeded" ? row : undefined;
    });
    expect(await entriesWithSku(sku)).toHaveLength(1);
    // replayed again: still one
    const again = await store.api("POST", "/api/admin/dead-letters/replay", { plugin: "cms-integration" });
    expect(again.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await entriesWithSku(sku)).toHaveLength(1);
  }, 90_000);

  it("dead-letters at the first attempt, naming api_token, when Strapi refuses the token", async () => {
    const store = await givenCmsStore({ api_token: "not-a-token-strapi-knows" });
    const sku = uniqueSku();
    await store.createProduct({ sku });
    const [delivery] = await settledDeliveries(store, "after_product_create");
    const letter = await deadLetterOf(store, delivery?.event_id as string);
    // no retry burnt on a token that will not change by itself
    expect(letter.attempts).toBe(1);
    expect(letter.last_error).toContain("CMS_UNAUTHORIZED");
    expect(letter.last_error).toContain("api_token");
    expect(letter.last_error).toContain("401");
    expect(await entriesWithSku(sku)).toEqual([]);
  });

  it.each([
    ["a missing secret header", null, "has no x-cms-webhook-secret header"],
    ["a forged secret", "forged-secret-forged-secret", "is not this store's webhook_secret"],
  ])("refuses a webhook with %s: 400, recorded, nothing queued", async (_name, secret, reason) => {
    const store = await givenCmsStore();
    const { sku } = await givenPublishedPage(store);
    const webhook = await webhookOnce(sku, "entry.publish", () => true);
    const refused = await forward(store, webhook, { "x-cms-webhook-secret": secret });
    expect(refused.status).toBe(400);
    expect(refused.body.error?.code).toBe("WEBHOOK_REFUSED");
    expect(refused.body.error?.message).toContain(reason);
    const recorded = await ledgerDb(env, store.tenant.id)
      .prepare(
        "SELECT detail FROM plugin_security_events WHERE tenant_id = ? AND slug = 'cms-integration' AND kind = 'webhook_refused'",
      )
      .bind(store.tenant.id)
      .first<{ detail: string }>();
    expect(recorded?.detail).toContain(reason);
    expect(await deliveriesOf(store, "webhook:/strapi")).toEqual([]);
  });
});

describe("the CmsPlugin methods", { timeout: 30_000 }, () => {
  it("reads an entry by its id and lists entries by SKU, published unless a preview is asked for", async () => {
    const store = await givenCmsStore();
    const { sku, documentId } = await givenPublishedPage(store, "Listed");
    const entry = (await store.getContent(documentId)) as {
      id: string;
      type: string;
      slug: string;
      fields: Record<string, unknown>;
    };
    expect(entry).toMatchObject({ id: documentId, type: "products", slug: sku, fields: { headline: "Listed" } });
    const list = (await store.listContent({ slug: sku })) as { items: { id: string }[]; next_cursor?: string };
    expect(list.items.map((i) => i.id)).toEqual([documentId]);
    expect(list.next_cursor).toBeUndefined();
    const draftOnly = uniqueSku();
    await store.createProduct({ sku: draftOnly });
    const draft = await arrivedInStrapi(draftOnly);
    expect(await store.getContent(draft.documentId)).toBeNull();
    expect(await store.getContent(draft.documentId, { preview: true })).toMatchObject({ id: draft.documentId });
  });
});

describe("settings", { timeout: 30_000 }, () => {
  it.each([
    ["cms_url", { cms_url: "not an address" }],
    ["cms_url", { cms_url: "ftp://cms.example.com" }],
    ["api_token", { api_token: "has spaces in it" }],
    ["webhook_secret", { webhook_secret: "short" }],
    ["content_type", { content_type: "Products!" }],
    ["cache_ttl", { cache_ttl: 0 }],
    ["cache_ttl", { cache_ttl: 86_401 }],
    ["cache_ttl", { cache_ttl: 1.5 }],
    ["provider", { provider: "contentful" }],
  ])("refuses a bad %s, naming it", async (field, config) => {
    const store = await givenCmsStore();
    const res = await store.api<{ error: { message: string } }>(
      "PUT",
      "/api/admin/plugins/cms-integration/config",
      config,
    );
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain(field);
  });
});
