/**
 * What the commerce tests build for themselves: a store (tenant) with a client that also reads
 * response headers, its plugins installed and activated through the admin API, its products, and
 * the outbox rows a request committed.
 */
import { env, SELF } from "cloudflare:test";
import { expect } from "vitest";
import { givenPublished, givenTenant } from "../helpers.ts";

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
  /** The request's trace id (X-Trace-Id): the outbox rows it committed carry it. */
  traceId: string | null;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

function commerceClient(token: string) {
  return async <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> => {
    const res = await SELF.fetch(`http://commerce.test${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : null) as T,
      headers: res.headers,
      traceId: res.headers.get("x-trace-id"),
    };
  };
}

/** A store with a commerce client per role (`shop` is its admin) and the admin API client. */
export async function givenStore() {
  const store = await givenTenant();
  return {
    ...store,
    shop: commerceClient(store.tokens.admin),
    shopAs: (role: "owner" | "admin" | "viewer") => commerceClient(store.tokens[role]),
  };
}

export type Store = Awaited<ReturnType<typeof givenStore>>;

/** Publishes the fixture plugin `name`, installs it with `config` and activates it for the store. */
export async function givenActive(store: Store, name: string, config?: Record<string, unknown>): Promise<void> {
  await givenPublished(name);
  const install = await store.api("POST", `/api/admin/plugins/${name}/install`, config ? { config } : undefined);
  expect(install.status, JSON.stringify(install.body)).toBe(201);
  const activate = await store.api("POST", `/api/admin/plugins/${name}/activate`);
  expect(activate.status, JSON.stringify(activate.body)).toBe(200);
}

export interface Product {
  id: string;
  title: string;
  price: number;
  currency: string;
  sku?: string;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export async function givenProduct(store: Store, fields: Record<string, unknown> = {}): Promise<Product> {
  const res = await store.shop<Product>("POST", "/api/commerce/products", {
    title: "T-shirt",
    price: 20,
    currency: "USD",
    ...fields,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

export interface OutboxRow {
  hook: string;
  payload: Record<string, unknown>;
  queue: string;
  trace_id: string | null;
}

/** The events a request committed, in the order it wrote them. */
export async function committedBy(traceId: string | null): Promise<OutboxRow[]> {
  if (!traceId) throw new Error("the response carried no X-Trace-Id");
  const { results } = await env.DB.prepare(
    "SELECT hook, payload, queue, trace_id FROM outbox WHERE trace_id = ? ORDER BY created_at, rowid",
  )
    .bind(traceId)
    .all<{ hook: string; payload: string; queue: string; trace_id: string | null }>();
  return results.map((r) => ({ ...r, payload: JSON.parse(r.payload) as Record<string, unknown> }));
}

/** Just the hook (or `analytics:<event>`) names a request committed. */
export const topicsOf = (rows: OutboxRow[]) => rows.map((r) => r.hook);

export { eventually } from "../helpers.ts";
