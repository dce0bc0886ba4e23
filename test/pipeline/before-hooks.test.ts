/** Before hooks: run inline in priority order, transform or veto, under per-hook timeouts, a chain budget and failure policies. */
import { describe, expect, it } from "vitest";
import { runBeforeHooks, traceBeforeHooks } from "../../api/src/hooks/index.ts";
import { givenTenantWith } from "../helpers.ts";
import { hookRun } from "./helpers.ts";

const product = { product: { title: "Mug", price: 12, currency: "USD", metadata: {} } };

describe("before hooks", { timeout: 20_000 }, () => {
  it("run lowest priority first, ties by plugin slug, each on the payload the one before left", async () => {
    const { tenant } = await givenTenantWith({ "chain-tie": {}, "chain-second": {}, "chain-first": {} });
    const { payload, trace } = await traceBeforeHooks(hookRun(tenant.id), "before_product_create", product);
    expect(trace.steps.map((s) => [s.plugin, s.priority, s.outcome])).toEqual([
      ["chain-first", 10, "transformed"],
      // returned the product alone: it replaced the payload's product
      ["chain-second", 20, "transformed"],
      // returned nothing: the payload went on as it was
      ["chain-tie", 20, "unchanged"],
    ]);
    expect(payload.product).toMatchObject({ title: "MUG", metadata: { ran: ["chain-first", "chain-second"] } });
    expect(trace.outcome).toBe("completed");
  });

  it("stop at a veto with the plugin's message, and run nothing after it", async () => {
    const { tenant } = await givenTenantWith({ "chain-first": {}, "chain-veto": {}, "chain-bad-result": {} });
    const cheap = { product: { ...product.product, price: 0 } };
    await expect(runBeforeHooks(hookRun(tenant.id), "before_product_create", cheap)).rejects.toMatchObject({
      code: "HOOK_VETOED",
      message: "Price must be at least 1",
      details: { plugin: "chain-veto", hook: "before_product_create" },
    });
    const { trace } = await traceBeforeHooks(hookRun(tenant.id), "before_product_create", cheap);
    expect(trace.steps.map((s) => [s.plugin, s.outcome])).toEqual([
      ["chain-first", "transformed"],
      ["chain-veto", "vetoed"],
    ]);
    expect(trace.outcome).toBe("vetoed");
  });

  it("skip a hook that times out under the skip policy, and go on with the payload unchanged", async () => {
    const { tenant } = await givenTenantWith({ "chain-first": {}, "chain-slow-skip": { delay_ms: 3000 } });
    const { payload, trace } = await traceBeforeHooks(hookRun(tenant.id), "before_product_create", product);
    const slow = trace.steps[1];
    expect(slow).toMatchObject({ plugin: "chain-slow-skip", outcome: "timeout", skipped: true });
    expect(slow?.duration_ms).toBeLessThan(2000);
    expect(payload.product.metadata).toEqual({ ran: ["chain-first"] });
    expect(trace.outcome).toBe("completed");
  });

  it("abort the operation when a hook under the abort policy times out", async () => {
    const { tenant } = await givenTenantWith({ "chain-slow-abort": { delay_ms: 3000 } });
    await expect(runBeforeHooks(hookRun(tenant.id), "before_product_create", product)).rejects.toMatchObject({
      code: "HOOK_TIMEOUT",
      details: { plugin: "chain-slow-abort" },
    });
  });

  it("run a hook under a timeout normally when it answers in time", async () => {
    const { tenant } = await givenTenantWith({
      "chain-slow-skip": { delay_ms: 0 },
      "chain-slow-abort": { delay_ms: 0 },
    });
    const payload = await runBeforeHooks(hookRun(tenant.id), "before_product_create", product);
    expect(payload.product.metadata).toEqual({ ran: ["chain-slow-skip", "chain-slow-abort"] });
  });

  it("treat a result that is not the hook's payload as a failure, under the hook's policy", async () => {
    const { tenant } = await givenTenantWith({ "chain-bad-result": {} });
    const { payload, trace } = await traceBeforeHooks(hookRun(tenant.id), "before_product_create", product);
    expect(trace.steps[0]).toMatchObject({ outcome: "failed", skipped: true });
    expect(trace.steps[0]?.error).toContain("returned neither a before_product_create payload nor a product");
    expect(payload).toEqual(product);
  });

  it("share one time budget: a hook that starts after the budget is spent times out under its policy", async () => {
    const { tenant } = await givenTenantWith({ "chain-slow-skip": { delay_ms: 3000 }, "chain-veto": {} });
    const run = hookRun(tenant.id, { HOOK_CHAIN_BUDGET_MS: "250" });
    const { trace, stop } = await traceBeforeHooks(run, "before_product_create", product);
    expect(trace.steps.map((s) => [s.plugin, s.outcome])).toEqual([
      ["chain-slow-skip", "timeout"],
      ["chain-veto", "timeout"],
    ]);
    expect(trace.steps[1]?.error).toContain("budget");
    // chain-veto has the default policy, abort
    expect(stop?.code).toBe("HOOK_TIMEOUT");
  });

  it("record each chain under the request's trace id, for the admin API", async () => {
    const { tenant, api } = await givenTenantWith({ "chain-first": {}, "chain-tie": {} });
    const run = hookRun(tenant.id);
    await runBeforeHooks(run, "before_product_create", product);
    await run.settle();
    const trace = await api<{ before_hooks: { hook: string; steps: { plugin: string; duration_ms: number }[] }[] }>(
      "GET",
      `/api/admin/traces/${run.traceId}`,
    );
    expect(trace.status).toBe(200);
    expect(trace.body.before_hooks).toHaveLength(1);
    expect(trace.body.before_hooks[0]?.steps.map((s) => s.plugin)).toEqual(["chain-first", "chain-tie"]);
  });
});
