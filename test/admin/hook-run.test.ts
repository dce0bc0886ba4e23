/** POST /api/admin/hooks/{hook}/run: a dry run of a hook chain on a payload (admin-cli hooks run), committing nothing. */

import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { client, type ErrorResponse, givenTenant, givenTenantWith } from "../helpers.ts";
import { givenRecorder, recorded, samplePayloads } from "../pipeline/helpers.ts";

const product = { product: { title: "Mug", price: 12, currency: "USD", metadata: {} } };

interface Step {
  plugin: string;
  version: string;
  handler: string;
  priority: number;
  outcome: string;
  skipped?: boolean;
  duration_ms: number;
  error?: string;
  output?: { product: { title: string; metadata: Record<string, unknown> } };
}
interface HookRun {
  hook: string;
  kind: "before" | "notification";
  outcome?: string;
  payload?: typeof product;
  steps: Step[];
}

/** What the platform would have committed for the tenant had this been an operation. */
async function committed(tenantId: string) {
  const count = async (sql: string) =>
    (await ledgerDb(env, tenantId).prepare(sql).bind(tenantId).first<{ n: number }>())?.n;
  return {
    traces: await count("SELECT COUNT(*) AS n FROM hook_traces WHERE tenant_id = ?"),
    // setting the plugins up announced plugin_installed and plugin_activated; nothing else
    events: await count(
      "SELECT COUNT(*) AS n FROM outbox WHERE tenant_id = ? AND hook NOT IN ('plugin_installed', 'plugin_activated')",
    ),
    deliveries: await count("SELECT COUNT(*) AS n FROM deliveries WHERE tenant_id = ? AND hook NOT LIKE 'plugin_%'"),
    dead_letters: await count("SELECT COUNT(*) AS n FROM dead_letters WHERE tenant_id = ?"),
    products: await count("SELECT COUNT(*) AS n FROM products WHERE tenant_id = ?"),
  };
}
const nothing = { traces: 0, events: 0, deliveries: 0, dead_letters: 0, products: 0 };

describe("a dry run of a before hook", { timeout: 20_000 }, () => {
  it("runs the tenant's chain in order, showing what each step left, as the operation then runs it", async () => {
    const { tenant, api, tokens } = await givenTenantWith({ "chain-tie": {}, "chain-second": {}, "chain-first": {} });
    const res = await api<HookRun>("POST", "/api/admin/hooks/before_product_create/run", { payload: product });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ hook: "before_product_create", kind: "before", outcome: "completed" });
    expect(res.body.steps.map((s) => [s.plugin, s.version, s.handler, s.priority, s.outcome])).toEqual([
      ["chain-first", "1.0.0", "src/step.ts", 10, "transformed"],
      ["chain-second", "1.0.0", "src/step.ts", 20, "transformed"],
      ["chain-tie", "1.0.0", "src/step.ts", 20, "unchanged"],
    ]);
    expect(res.body.steps.map((s) => [s.output?.product.title, s.output?.product.metadata.ran])).toEqual([
      ["Mug", ["chain-first"]],
      ["MUG", ["chain-first", "chain-second"]],
      ["MUG", ["chain-first", "chain-second"]],
    ]);
    expect(res.body.steps.every((s) => typeof s.duration_ms === "number")).toBe(true);
    expect(res.body.payload).toEqual(res.body.steps[2]?.output);
    expect(await committed(tenant.id)).toEqual(nothing);

    // the operation itself runs the same chain, to the same end
    const created = await SELF.fetch("http://commerce.test/api/commerce/products", {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.admin}`, "content-type": "application/json" },
      body: JSON.stringify(product.product),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ title: "MUG", metadata: { ran: ["chain-first", "chain-second"] } });
    const trace = await api<{ before_hooks: { steps: Step[] }[] }>(
      "GET",
      `/api/admin/traces/${created.headers.get("x-trace-id")}`,
    );
    expect(trace.body.before_hooks[0]?.steps.map((s) => [s.plugin, s.outcome])).toEqual(
      res.body.steps.map((s) => [s.plugin, s.outcome]),
    );
  });

  it("shows a veto as the chain's outcome, with the plugin's message, and runs nothing after it", async () => {
    const { tenant, api } = await givenTenantWith({ "chain-first": {}, "chain-veto": {}, "chain-bad-result": {} });
    const cheap = { product: { ...product.product, price: 0 } };
    const res = await api<HookRun>("POST", "/api/admin/hooks/before_product_create/run", { payload: cheap });
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe("vetoed");
    expect(res.body.steps.map((s) => [s.plugin, s.outcome, s.error])).toEqual([
      ["chain-first", "transformed", undefined],
      ["chain-veto", "vetoed", "Price must be at least 1"],
    ]);
    expect(await committed(tenant.id)).toEqual(nothing);
  });

  it("shows a handler that timed out under the skip policy, and the chain going on without it", async () => {
    const { api } = await givenTenantWith({ "chain-first": {}, "chain-slow-skip": { delay_ms: 3000 } });
    const res = await api<HookRun>("POST", "/api/admin/hooks/before_product_create/run", { payload: product });
    expect(res.body.outcome).toBe("completed");
    expect(res.body.steps[1]).toMatchObject({ plugin: "chain-slow-skip", outcome: "timeout", skipped: true });
    expect(res.body.payload?.product.metadata).toEqual({ ran: ["chain-first"] });
  });

  it("answers an empty chain when no active plugin handles the hook", async () => {
    const { api } = await givenTenant();
    const res = await api<HookRun>("POST", "/api/admin/hooks/before_product_create/run", { payload: product });
    expect(res.body).toMatchObject({ outcome: "completed", steps: [], payload: product });
  });
});

describe("a dry run of a notification hook", { timeout: 20_000 }, () => {
  it("runs each subscribed plugin's handler inline, with no event, delivery or queue behind it", async () => {
    const { tenant, api } = await givenRecorder();
    const res = await api<HookRun>("POST", "/api/admin/hooks/after_order_create/run", {
      payload: samplePayloads.order,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ hook: "after_order_create", kind: "notification" });
    expect(res.body.steps).toEqual([
      {
        plugin: "recorder",
        version: "1.0.0",
        handler: "src/record.ts",
        priority: 100,
        outcome: "succeeded",
        duration_ms: expect.any(Number),
      },
    ]);
    expect(await committed(tenant.id)).toEqual(nothing);
    // the plugin's own writes happen, as they would in a real delivery, but with no delivery to name
    const { calls } = await recorded(api);
    expect(calls).toContainEqual(
      expect.objectContaining({ delivery_id: null, payload: JSON.stringify(samplePayloads.order) }),
    );
  });

  it("shows a failing handler's error, and dead-letters nothing", async () => {
    const { tenant, api } = await givenRecorder({ mode: "fail" });
    const res = await api<HookRun>("POST", "/api/admin/hooks/after_user_create/run", { payload: samplePayloads.user });
    expect(res.status).toBe(200);
    expect(res.body.steps).toEqual([
      expect.objectContaining({
        plugin: "recorder",
        outcome: "failed",
        error: expect.stringContaining("recorder is configured to fail"),
      }),
    ]);
    expect(await committed(tenant.id)).toEqual(nothing);
  });
});

describe("what a hook dry run refuses", () => {
  it("refuses a hook the catalogue does not have, suggesting the closest", async () => {
    const { api } = await givenTenant();
    const res = await api<ErrorResponse>("POST", "/api/admin/hooks/before_payment_create/run", {
      payload: samplePayloads.payment,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: "UNKNOWN_HOOK",
      message: expect.stringContaining('unknown hook "before_payment_create"; did you mean "before_payment_process"?'),
      details: { hook: "before_payment_create", suggestions: expect.arrayContaining(["before_payment_process"]) },
    });
  });

  it.each([
    ["a payload missing a field", { payload: { product: { title: "Mug", currency: "USD" } } }, "payload.product.price"],
    [
      "a field of the wrong type",
      { payload: { product: { ...product.product, price: "12" } } },
      "payload.product.price",
    ],
    ["no payload at all", {}, "payload"],
    ["an unknown field beside the payload", { payload: product, dry: true }, "dry"],
  ])("refuses %s with 400, naming the field", async (_what, body, field) => {
    const { api } = await givenTenant();
    const res = await api<ErrorResponse>("POST", "/api/admin/hooks/before_product_create/run", body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.message).toContain(field);
  });

  it("answers 401 without a token and 403 to a viewer", async () => {
    const { as } = await givenTenant();
    const path = "/api/admin/hooks/before_product_create/run";
    expect((await client()<ErrorResponse>("POST", path, { payload: product })).status).toBe(401);
    const viewer = await as("viewer")<ErrorResponse>("POST", path, { payload: product });
    expect(viewer.status).toBe(403);
    expect(viewer.body.error.message).toBe("This needs the admin role; the token has viewer.");
  });
});
