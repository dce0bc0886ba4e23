/**
 * Every hook of the catalogue is reachable from a real request: a store's ordinary day through
 * the commerce API and the admin API fires all 21, the before hooks in the request (their traces
 * recorded) and the notification hooks committed to the outbox, then delivered through the queue
 * to the plugin subscribed to them all (audit-log).
 */

import { env } from "cloudflare:test";
import { HookCatalogue, type HookName, hookNames } from "@digital-commerce/plugin-sdk";
import { expect, it } from "vitest";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { givenPublished } from "../helpers.ts";
import { eventually, givenActive, givenProduct, givenStore } from "./given.ts";

const beforeHooks = hookNames.filter((h) => HookCatalogue[h].kind === "before");
const notificationHooks = hookNames.filter((h) => HookCatalogue[h].kind === "notification");

it("fires all 21 hooks of the catalogue in a store's day", { timeout: 30_000 }, async () => {
  const store = await givenStore();
  const { shop, api } = store;
  // first, so that it hears every other plugin's installation
  await givenActive(store, "audit-log");
  // plugins subscribed to every before hook: core-utils (product create), test-store-rules (the
  // other operations), test-payments (payment); installing and activating fires the system hooks
  await givenActive(store, "core-utils");
  await givenActive(store, "test-store-rules");
  await givenActive(store, "test-payments");
  await givenActive(store, "test-auth", { password: "pw" });
  await givenPublished("refuses-activation");
  await api("POST", "/api/admin/plugins/refuses-activation/install");
  expect((await api("POST", "/api/admin/plugins/refuses-activation/activate")).status).toBe(422); // plugin_error

  const product = await givenProduct(store, { price: 1000 });
  expect((await shop("PATCH", `/api/commerce/products/${product.id}`, { price: 900 })).status).toBe(200);
  const order = await shop<{ id: string }>("POST", "/api/commerce/orders", {
    items: [{ product_id: product.id, quantity: 1 }],
  });
  expect((await shop("POST", "/api/commerce/payments", { order_id: order.body.id })).status).toBe(201);
  expect(
    (await shop("POST", "/api/commerce/payments", { amount: 500, currency: "USD", method: "card_declined" })).status,
  ).toBe(402);
  expect((await shop("POST", `/api/commerce/orders/${order.body.id}/complete`)).status).toBe(200);
  expect((await shop("POST", "/api/commerce/users", { email: "ada@example.com" })).status).toBe(201);
  const session = await shop<{ session: { id: string } }>("POST", "/api/commerce/auth/sign-in", {
    credentials: { email: "ada@example.com", password: "pw" },
  });
  expect(session.status).toBe(201);
  expect(
    (await shop("POST", "/api/commerce/auth/sign-in", { credentials: { email: "ada@example.com", password: "no" } }))
      .status,
  ).toBe(401);
  expect((await shop("POST", "/api/commerce/auth/sign-out", { session_id: session.body.session.id })).status).toBe(200);

  const { results: committed } = await ledgerDb(env, store.tenant.id)
    .prepare("SELECT DISTINCT hook FROM outbox WHERE tenant_id = ?")
    .bind(store.tenant.id)
    .all<{ hook: string }>();
  // before-hook traces are recorded after the answer
  const ran = await eventually(async () => {
    const { results } = await ledgerDb(env, store.tenant.id)
      .prepare("SELECT DISTINCT hook FROM hook_traces WHERE tenant_id = ?")
      .bind(store.tenant.id)
      .all<{ hook: string }>();
    return results.length === beforeHooks.length ? results : undefined;
  });
  const fired = new Set<string>([...committed.map((r) => r.hook), ...ran.map((r) => r.hook)]);
  expect(hookNames.filter((h: HookName) => !fired.has(h))).toEqual([]);
  expect(hookNames).toHaveLength(21);

  const heard = await eventually(async () => {
    const res = await api<{ entries: { hook: string }[] }>("GET", "/api/plugins/audit-log/entries?limit=500");
    const hooks = new Set(res.body.entries.map((e) => e.hook));
    return notificationHooks.every((h) => hooks.has(h)) ? hooks : undefined;
  }, 20_000);
  expect([...heard].sort()).toEqual([...notificationHooks].sort());
});
