/**
 * What the commerce tests build for themselves: a store (tenant) with a client that also reads
 * response headers, its plugins installed and activated through the admin API, its products, and
 * the outbox rows a request committed.
 */

import { env, SELF } from "cloudflare:test";
import { expect } from "vitest";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { acrossTenants, givenPublished, givenTenant } from "../helpers.ts";

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
    price: 2000, // 20.00 USD: amounts are minor units
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
  const results = await acrossTenants<{ hook: string; payload: string; queue: string; trace_id: string | null }>(
    "SELECT hook, payload, queue, trace_id FROM outbox WHERE tenant_id = ? AND trace_id = ? ORDER BY created_at, rowid",
    traceId,
  );
  return results.map((r) => ({ ...r, payload: JSON.parse(r.payload) as Record<string, unknown> }));
}

/** Just the hook (or `analytics:<event>`) names a request committed. */
export const topicsOf = (rows: OutboxRow[]) => rows.map((r) => r.hook);

export { eventually } from "../helpers.ts";

// --- payments ---------------------------------------------------------------------------------

export interface Payment {
  id: string;
  order_id: string | null;
  provider: string;
  transaction_id: string | null;
  amount: number;
  captured_amount: number;
  refunded_amount: number;
  currency: string;
  method: string | null;
  status: string;
  next_action: { type: string; client_secret?: string; redirect_url?: string } | null;
  metadata: Record<string, unknown>;
  error: { code: string; message: string; decline_code?: string } | null;
}

/** A store whose payment plugin is the test-payments fixture (capture: manual unless `config` says). */
export async function givenPaymentsStore(config?: Record<string, unknown>): Promise<Store> {
  const store = await givenStore();
  await givenActive(store, "test-payments", config);
  return store;
}

/** POST /api/commerce/payments, with an Idempotency-Key when given. */
export const pay = <T = Payment>(store: Store, body: Record<string, unknown>, key?: string) =>
  store.shop<T>("POST", "/api/commerce/payments", body, key ? { "idempotency-key": key } : {});

/** POST /api/commerce/payments/:id/<operation> (capture, cancel, refund, refresh), with a body and key when given. */
export const operate = <T = Payment>(
  store: Store,
  id: string,
  operation: "capture" | "cancel" | "refund" | "refresh",
  body?: Record<string, unknown>,
  key?: string,
) => store.shop<T>("POST", `/api/commerce/payments/${id}/${operation}`, body, key ? { "idempotency-key": key } : {});

export interface PluginCall {
  method: string;
  idempotency_key: string | null;
  args: unknown[];
}

/** What the test-payments plugin holds: its charges, and every call the platform made to it, as it received them. */
export async function gatewayOf(store: Store) {
  const res = await store.api<{
    charges: Record<string, unknown>[];
    calls: { method: string; idempotency_key: string | null; args: string }[];
  }>("GET", "/api/plugins/test-payments/charges");
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return {
    charges: res.body.charges,
    calls: res.body.calls.map((c): PluginCall => ({ ...c, args: JSON.parse(c.args) as unknown[] })),
  };
}

/** The hooks (and `analytics:` events) the store's outbox holds about one payment, oldest first. */
export async function paymentEvents(store: Store, paymentId: string): Promise<string[]> {
  const { results } = await ledgerDb(env, store.tenant.id)
    .prepare(
      `SELECT hook FROM outbox WHERE tenant_id = ?
        AND (json_extract(payload, '$.payment.id') = ? OR json_extract(payload, '$.properties.payment_id') = ?)
      ORDER BY created_at, rowid`,
    )
    .bind(store.tenant.id, paymentId, paymentId)
    .all<{ hook: string }>();
  return results.map((r) => r.hook);
}
