/**
 * Category methods (plugin.ts) called in the plugin's isolate: one call, a batch of calls each
 * settled on its own, the delivery a call carries, and the refusals for a method outside the
 * plugin's category or not implemented.
 */
import { createExecutionContext, env } from "cloudflare:test";
import {
  authResultSchema,
  dashboardDataSchema,
  metricsResultSchema,
  paymentResultSchema,
} from "@digital-commerce/plugin-sdk";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../api/src/logging/index.ts";
import {
  callPluginMethod,
  callPluginMethodBatch,
  findTarget,
  type SandboxDeps,
  SandboxError,
  type SandboxTarget,
} from "../../api/src/sandbox/index.ts";
import { givenActive, givenStore, type Store } from "./given.ts";

function sandboxDeps(): SandboxDeps {
  const ctx = createExecutionContext();
  return { env, exports: ctx.exports, waitUntil: (p) => ctx.waitUntil(p), log: createLogger("silent") };
}

async function targetOf(store: Store, slug: string): Promise<SandboxTarget> {
  const target = await findTarget(env, store.tenant.id, slug);
  if (!target) throw new Error(`${slug} is not installed`);
  return target;
}

async function storedEvents(store: Store) {
  const res = await store.api<{ events: { id: string; name: string; attempt: number | null }[] }>(
    "GET",
    "/api/plugins/test-analytics/events",
  );
  expect(res.status).toBe(200);
  return res.body.events;
}

describe("calling a category method", () => {
  it("runs the plugin.ts method in the isolate and returns its answer for the caller to parse", async () => {
    const store = await givenStore();
    await givenActive(store, "test-auth", { password: "pw" });
    const target = await targetOf(store, "test-auth");
    const raw = await callPluginMethod(sandboxDeps(), target, "authenticate", [
      { email: "admin@example.com", password: "pw" },
    ]);
    const result = authResultSchema.parse(raw);
    expect(result).toMatchObject({ success: true, user: { roles: ["admin"] } });
    const allowed = await callPluginMethod(sandboxDeps(), target, "authorize", [
      result.success ? result.user : null,
      "products",
      "write",
    ]);
    expect(allowed).toBe(true);
    const denied = await callPluginMethod(sandboxDeps(), target, "authorize", [
      { roles: ["customer"] },
      "products",
      "write",
    ]);
    expect(denied).toBe(false);
    const refreshed = await callPluginMethod(sandboxDeps(), target, "refreshToken", [
      result.success ? result.refresh_token : "",
    ]);
    expect(refreshed).toMatch(/^ta_/);
    expect(refreshed).not.toBe(result.success ? result.token : "");
  });

  it("gives the plugin the same transaction for the same idempotency key", async () => {
    const store = await givenStore();
    await givenActive(store, "test-payments");
    const target = await targetOf(store, "test-payments");
    const payment = {
      amount: 500,
      currency: "USD",
      payment_id: "pay_1",
      tenant_id: store.tenant.id,
      idempotency_key: "order-1:pay",
      metadata: {},
    };
    const first = paymentResultSchema.parse(await callPluginMethod(sandboxDeps(), target, "processPayment", [payment]));
    const second = paymentResultSchema.parse(
      await callPluginMethod(sandboxDeps(), target, "processPayment", [payment]),
    );
    expect(second).toEqual(first);
    const other = paymentResultSchema.parse(
      await callPluginMethod(sandboxDeps(), target, "processPayment", [{ ...payment, idempotency_key: "order-2:pay" }]),
    );
    expect(other.transaction_id).not.toBe(first.transaction_id);
  });

  it("refuses a method outside the plugin's category, naming the category's methods", async () => {
    const store = await givenStore();
    await givenActive(store, "test-analytics");
    const target = await targetOf(store, "test-analytics");
    const call = callPluginMethod(sandboxDeps(), target, "processPayment", [{}]);
    await expect(call).rejects.toBeInstanceOf(SandboxError);
    await expect(call).rejects.toThrow(
      "test-analytics (category analytics) has no method processPayment; the category's methods are trackEvent, getMetrics, getDashboard",
    );
  });

  it("refuses a method of the category that the plugin does not implement", async () => {
    const store = await givenStore();
    await givenActive(store, "bare-gateway");
    const target = await targetOf(store, "bare-gateway");
    await expect(callPluginMethod(sandboxDeps(), target, "refundPayment", ["ch_1"])).rejects.toThrow(
      "bare-gateway does not implement refundPayment: add it to the default export of its plugin.ts",
    );
  });

  it("runs lifecycle callbacks kept in plugin.ts (test-analytics seeds its dashboard on install)", async () => {
    const store = await givenStore();
    await givenActive(store, "test-analytics");
    const target = await targetOf(store, "test-analytics");
    const dashboard = dashboardDataSchema.parse(
      await callPluginMethod(sandboxDeps(), target, "getDashboard", ["events"]),
    );
    expect(dashboard.title).toBe("Events");
  });
});

describe("a batch of calls", () => {
  it("settles each call on its own: one bad event does not lose the others", async () => {
    const store = await givenStore();
    await givenActive(store, "test-analytics");
    const target = await targetOf(store, "test-analytics");
    const outcomes = await callPluginMethodBatch(sandboxDeps(), target, "trackEvent", [
      [{ event: "order_completed", properties: { event_id: "e-1" } }],
      // no properties: the plugin reads properties.event_id and throws
      [{ event: "broken" }],
      [{ event: "order_completed", properties: { event_id: "e-2" } }],
      // the same event again (a redelivery): stored once
      [{ event: "order_completed", properties: { event_id: "e-1" } }],
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true, true]);
    expect(outcomes[1]).toMatchObject({ ok: false, error: { name: "TypeError" } });
    expect((await storedEvents(store)).map((e) => e.id).sort()).toEqual(["e-1", "e-2"]);
    const metrics = metricsResultSchema.parse(
      await callPluginMethod(sandboxDeps(), target, "getMetrics", [
        {
          metrics: ["order_completed", "broken"],
          from: "2000-01-01T00:00:00Z",
          to: "2100-01-01T00:00:00Z",
          interval: "month",
        },
      ]),
    );
    expect(metrics.series.map((s) => [s.metric, s.total])).toEqual([
      ["order_completed", 2],
      ["broken", 0],
    ]);
  });

  it("fails as a whole when the method is refused", async () => {
    const store = await givenStore();
    await givenActive(store, "test-analytics");
    const target = await targetOf(store, "test-analytics");
    await expect(callPluginMethodBatch(sandboxDeps(), target, "sendEmail", [[{}], [{}]])).rejects.toThrow(
      "has no method sendEmail",
    );
  });
});

describe("the delivery a call carries", () => {
  it("reaches the plugin as context.delivery, whose key makes a redelivery count once", async () => {
    const store = await givenStore();
    await givenActive(store, "test-analytics");
    const target = await targetOf(store, "test-analytics");
    const delivery = (attempt: number) => ({ id: "dl-1", event_id: "ev-1", attempt, idempotency_key: "dl-1" });
    const event = { event: "payment_succeeded", properties: {} };
    await callPluginMethod(sandboxDeps(), target, "trackEvent", [event], { delivery: delivery(1) });
    await callPluginMethod(sandboxDeps(), target, "trackEvent", [event], { delivery: delivery(2) });
    const events = await storedEvents(store);
    expect(events).toEqual([expect.objectContaining({ id: "dl-1", name: "payment_succeeded", attempt: 1 })]);
  });
});
