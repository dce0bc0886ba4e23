/**
 * What a request records about its own work (api/src/hooks/journal.ts): its before-hook traces and its
 * plugin calls' accounting go into the ledger with the change it commits, and what no commit took (a
 * refused change) when it ends.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import {
  type ErrorBody,
  eventually,
  givenActive,
  givenProduct,
  givenStore,
  type Product,
  type Store,
} from "./given.ts";

async function ledgerRows(store: Store, traceId: string) {
  const db = ledgerDb(env, store.tenant.id);
  const traces = await db
    .prepare("SELECT hook, outcome, steps FROM hook_traces WHERE tenant_id = ? AND trace_id = ?")
    .bind(store.tenant.id, traceId)
    .all<{ hook: string; outcome: string; steps: string }>();
  const calls = await db
    .prepare("SELECT slug, kind, name, outcome FROM plugin_calls WHERE tenant_id = ? ORDER BY id")
    .bind(store.tenant.id)
    .all<{ slug: string; kind: string; name: string; outcome: string }>();
  return { traces: traces.results, calls: calls.results };
}

describe("a request's own records", () => {
  it("are in the ledger with the product it created, as soon as it is answered", async () => {
    const store = await givenStore();
    await givenActive(store, "core-utils");
    const res = await store.shop<Product>("POST", "/api/commerce/products", {
      title: "  Mug ",
      price: 12,
      currency: "USD",
      sku: "mug-1",
    });
    expect(res.status).toBe(201);
    expect(res.body.sku).toBe("MUG-1");
    // read at once, not eventually: the trace and the call were committed with the product
    const { traces, calls } = await ledgerRows(store, res.traceId as string);
    expect(traces.map((t) => [t.hook, t.outcome])).toEqual([["before_product_create", "completed"]]);
    expect(JSON.parse(traces[0]?.steps ?? "[]")).toEqual([
      expect.objectContaining({ plugin: "core-utils", outcome: "transformed" }),
    ]);
    expect(calls).toContainEqual({ slug: "core-utils", kind: "hook", name: "before_product_create", outcome: "ok" });
  });

  it("are kept when the change is refused after the hooks ran: the trace and the call of a product whose SKU turned out taken", async () => {
    const store = await givenStore();
    await givenActive(store, "core-utils", { sku_prefix: "X-" });
    // core-utils prefixes SKUs: "1" passes the check before the hooks, and becomes X-1, which is taken
    await givenProduct(store, { sku: "X-1" });
    const res = await store.shop<ErrorBody>("POST", "/api/commerce/products", {
      title: "Mug",
      price: 12,
      currency: "USD",
      sku: "1",
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("SKU_TAKEN");
    const rows = await eventually(async () => {
      const found = await ledgerRows(store, res.traceId as string);
      return found.traces.length > 0 ? found : undefined;
    });
    expect(rows.traces.map((t) => [t.hook, t.outcome])).toEqual([["before_product_create", "completed"]]);
    // one call for the product that was made, one for the one refused
    expect(rows.calls.filter((c) => c.slug === "core-utils" && c.name === "before_product_create")).toHaveLength(2);
  });

  it("are written when the request commits nothing: a vetoed chain's trace", async () => {
    const store = await givenStore();
    await givenActive(store, "chain-veto");
    const res = await store.shop<ErrorBody>("POST", "/api/commerce/products", {
      title: "Mug",
      price: 0,
      currency: "USD",
    });
    expect(res.status).toBe(422);
    const rows = await eventually(async () => {
      const found = await ledgerRows(store, res.traceId as string);
      return found.traces.length > 0 ? found : undefined;
    });
    expect(rows.traces.map((t) => [t.hook, t.outcome])).toEqual([["before_product_create", "vetoed"]]);
    expect(rows.calls.map((c) => c.slug)).toContain("chain-veto");
  });
});
