/**
 * What the cms-integration tests build: a store with cms-integration active against the real Strapi
 * that test/global-setup.ts boots (test/peers/strapi), and the Strapi side of the wire: its own REST
 * API, read with the token the setup minted, to see what arrived and to act as an editor would, and
 * the webhooks Strapi sent, forwarded into the platform exactly as Strapi posted them.
 */

import { createExecutionContext, env, SELF } from "cloudflare:test";
import { expect, inject } from "vitest";
import { ledgerDb } from "../../../api/src/ledger/index.ts";
import { createLogger } from "../../../api/src/logging/index.ts";
import { callPluginMethod, findTarget, type SandboxDeps } from "../../../api/src/sandbox/index.ts";
import { givenStore, type Product } from "../../../test/commerce/given.ts";
import { eventually, givenPublished } from "../../../test/helpers.ts";
import { STRAPI_PEER } from "../../../test/peers/ports.ts";
import { requestsTo } from "../../../test/webhooks/receiver.ts";

/** A cold machine installs Strapi first (about 4 minutes, better-sqlite3 compiled from source). */
export const STRAPI_BOOT_TIMEOUT_MS = 12 * 60_000;

export const strapiToken = () => inject("strapiToken");

/** Waits for the Strapi the global setup started in the background; its output says why if it never comes. */
export async function strapiIsUp(): Promise<void> {
  const deadline = Date.now() + STRAPI_BOOT_TIMEOUT_MS;
  for (;;) {
    try {
      const res = await fetch(`${STRAPI_PEER.url}/_health`);
      if (res.status === 204) return;
    } catch {
      // not listening yet: still installing or booting
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Strapi did not answer ${STRAPI_PEER.url}/_health within ${STRAPI_BOOT_TIMEOUT_MS / 60_000} minutes; the test run's output (strapi peer: …) says why`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

export interface StrapiEntry {
  documentId: string;
  sku: string;
  product_id: string | null;
  title: string;
  description: string | null;
  price: number | null;
  currency: string | null;
  headline: string | null;
  body: string | null;
  updatedAt: string;
  publishedAt: string | null;
}

/** Strapi's own REST API, with the peer's token: what the tests read Strapi with, never through the plugin. */
export async function strapi<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${STRAPI_PEER.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${strapiToken()}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** The product entries Strapi holds for `field` = `value`, as drafts (what the plugin writes) or published. */
export async function entriesWhere(
  field: "sku" | "product_id",
  value: string,
  status: "draft" | "published" = "draft",
): Promise<StrapiEntry[]> {
  const query = new URLSearchParams({ [`filters[${field}][$eq]`]: value, status });
  const res = await strapi<{ data: StrapiEntry[] }>("GET", `/api/products?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

export const entriesWithSku = (sku: string, status: "draft" | "published" = "draft") =>
  entriesWhere("sku", sku, status);

/** The draft once Strapi has it and `ready` holds for it (the push is queued, so it comes a moment later). */
export async function arrivedInStrapi(sku: string, ready: (entry: StrapiEntry) => boolean = () => true) {
  return await eventually(async () => {
    const [entry] = await entriesWithSku(sku);
    return entry && ready(entry) ? entry : undefined;
  }, 30_000);
}

/** What an editor does in Strapi: write the page's editorial fields and publish the draft. */
export async function editorPublishes(documentId: string, fields: { headline: string; body: string }) {
  const res = await strapi("PUT", `/api/products/${documentId}?status=published`, { data: fields });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

export const uniqueSku = () => `CMS-${crypto.randomUUID().slice(0, 8).toUpperCase()}`;

export function configFor(overrides: Record<string, unknown> = {}) {
  return {
    cms_url: STRAPI_PEER.url,
    api_token: strapiToken(),
    webhook_secret: STRAPI_PEER.webhookSecret,
    content_type: "products",
    cache_ttl: 300,
    ...overrides,
  };
}

/** A store with cms-integration installed against the Strapi peer (with `overrides`) and active. */
export async function givenCmsStore(overrides: Record<string, unknown> = {}) {
  const store = await givenStore();
  await givenPublished("cms-integration");
  const install = await store.api("POST", "/api/admin/plugins/cms-integration/install", {
    config: configFor(overrides),
  });
  expect(install.status, JSON.stringify(install.body)).toBe(201);
  const activate = await store.api("POST", "/api/admin/plugins/cms-integration/activate");
  expect(activate.status, JSON.stringify(activate.body)).toBe(200);
  const call = async (method: "getContent" | "listContent", args: unknown[]) => {
    const target = await findTarget(env, store.tenant.id, "cms-integration");
    if (!target) throw new Error("cms-integration is not installed");
    return await callPluginMethod(sandboxDeps(), target, method, args);
  };
  return {
    ...store,
    createProduct: async (fields: Record<string, unknown>) => {
      const res = await store.shop<Product>("POST", "/api/commerce/products", {
        title: "Stoneware mug",
        description: "Holds 350 ml.",
        price: 1250,
        currency: "USD",
        ...fields,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    },
    updateProduct: async (id: string, fields: Record<string, unknown>) => {
      const res = await store.shop<Product>("PATCH", `/api/commerce/products/${id}`, fields);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    },
    /** The storefront's read: public, the store named by X-Tenant. */
    page: async (sku: string) => {
      const res = await SELF.fetch(
        `http://commerce.test/api/plugins/cms-integration/products/${encodeURIComponent(sku)}/page`,
        {
          headers: { "x-tenant": store.tenant.slug },
        },
      );
      return {
        status: res.status,
        headers: res.headers,
        body: (await res.json()) as {
          sku: string;
          source: "cache" | "cms";
          page: { id: string; fields: Record<string, unknown>; published_at?: string };
          error: { code: string; message: string };
        },
      };
    },
    /** Sets the store's whole configuration: the installed one with `changes`. */
    configure: async (changes: Record<string, unknown>) => {
      const config = configFor({ ...overrides, ...changes });
      const res = await store.api("PUT", "/api/admin/plugins/cms-integration/config", config);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    },
    getContent: (id: string, options?: Record<string, unknown>) =>
      call("getContent", options === undefined ? [id] : [id, options]),
    listContent: (query: Record<string, unknown>) => call("listContent", [query]),
  };
}

export type CmsStore = Awaited<ReturnType<typeof givenCmsStore>>;

function sandboxDeps(): SandboxDeps {
  const ctx = createExecutionContext();
  return { env, exports: ctx.exports, waitUntil: (p) => ctx.waitUntil(p), log: createLogger("silent") };
}

export interface DeliveryRow {
  id: string;
  event_id: string;
  hook: string;
  status: string;
  attempts: number;
  last_error: string | null;
}

/** The store's deliveries to cms-integration of `hook`, oldest first. */
export async function deliveriesOf(store: CmsStore, hook: string): Promise<DeliveryRow[]> {
  const { results } = await ledgerDb(env, store.tenant.id)
    .prepare(
      `SELECT id, event_id, hook, status, attempts, last_error FROM deliveries
      WHERE tenant_id = ? AND plugin_slug = 'cms-integration' AND hook = ? ORDER BY created_at, id`,
    )
    .bind(store.tenant.id, hook)
    .all<DeliveryRow>();
  return results;
}

/** Once the store's `count` deliveries of `hook` have all ended (succeeded or dead), they. */
export async function settledDeliveries(store: CmsStore, hook: string, count = 1, timeoutMs = 30_000) {
  return await eventually(async () => {
    const rows = await deliveriesOf(store, hook);
    const done = rows.filter((r) => r.status === "succeeded" || r.status === "dead");
    return done.length >= count ? rows : undefined;
  }, timeoutMs);
}

export interface DeadLetter {
  id: string;
  event_id: string;
  attempts: number;
  last_error: string;
}

export async function deadLetterOf(store: CmsStore, eventId: string): Promise<DeadLetter> {
  return await eventually(async () => {
    const { body } = await store.api<{ dead_letters: DeadLetter[] }>(
      "GET",
      "/api/admin/dead-letters?plugin=cms-integration",
    );
    return body.dead_letters.find((l) => l.event_id === eventId);
  }, 60_000);
}

/** The webhooks Strapi sent about the SKU, oldest first, as Strapi posted them (headers and raw body). */
export async function webhooksAbout(sku: string, event?: string) {
  const all = await requestsTo(STRAPI_PEER.webhookPath);
  return all.filter((r) => {
    const body = JSON.parse(r.body) as { event: string; entry?: { sku?: string } };
    return body.entry?.sku === sku && (event === undefined || body.event === event);
  });
}

/** The newest of Strapi's webhooks about the SKU of `event` whose entry satisfies `about`, once it came. */
export async function webhookOnce(sku: string, event: string, about: (entry: Record<string, unknown>) => boolean) {
  return await eventually(async () => {
    const found = (await webhooksAbout(sku, event)).filter((r) =>
      about((JSON.parse(r.body) as { entry: Record<string, unknown> }).entry),
    );
    return found.at(-1);
  });
}

/** Posts a recorded Strapi webhook to the store's cms-integration webhook URL, byte for byte, as Strapi would. */
export async function forward(
  store: CmsStore,
  webhook: { headers: Record<string, string>; body: string },
  headers: Record<string, string | null> = {},
) {
  const sent: Record<string, string> = {};
  for (const name of ["content-type", "x-strapi-event", "x-cms-webhook-secret"]) {
    const value = name in headers ? headers[name] : webhook.headers[name];
    if (value !== null && value !== undefined) sent[name] = value;
  }
  const res = await SELF.fetch(`http://commerce.test/webhooks/${store.tenant.slug}/cms-integration/strapi`, {
    method: "POST",
    headers: sent,
    body: webhook.body,
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string } },
  };
}
