/**
 * Dependencies that mean something: a plugin reaches the services of the plugins it depends on
 * through `context.plugins`, each call running in the dependency's own isolate with the dependency's
 * own context for the caller's tenant, and reaches nothing of plugins it does not depend on.
 * service-caller depends on service-provider and core-utils; probe is installed beside them and is
 * not a dependency.
 */

import { env } from "cloudflare:test";
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { findTarget, invokePlugin } from "../../api/src/sandbox/index.ts";
import type {} from "../../plugins/core-utils/src/services.ts";
import { type Client, eventually, givenPublished, givenSandboxDeps, givenTenant } from "../helpers.ts";

beforeAll(async () => {
  for (const name of ["core-utils", "service-provider", "service-caller", "probe"]) await givenPublished(name);
});

const RATES = { USD: 1, EUR: 0.92, JPY: 150.3, KWD: 0.307 };

/** A tenant running service-caller (with its dependencies, configured) and probe, all active. */
async function givenCaller(greeting = "hello", { activate = true } = {}) {
  const given = await givenTenant();
  const { api } = given;
  expect((await api("POST", "/api/admin/plugins/service-caller/install")).status).toBe(201);
  expect((await api("PUT", "/api/admin/plugins/service-provider/config", { greeting })).status).toBe(200);
  expect((await api("PUT", "/api/admin/plugins/core-utils/config", { exchange_rates: RATES })).status).toBe(200);
  expect((await api("POST", "/api/admin/plugins/probe/install", { config: {} })).status).toBe(201);
  if (activate) {
    expect((await api("POST", "/api/admin/plugins/service-caller/activate?cascade=true")).status).toBe(200);
    expect((await api("POST", "/api/admin/plugins/probe/activate")).status).toBe(200);
  }
  return given;
}

type Answer = { value?: unknown; error?: string };

const call = (api: Client, dependency: string, service: string, args: unknown[] = []) =>
  api<Answer>("POST", "/api/plugins/service-caller/call", { dependency, service, args }).then((r) => r.body);

const raw = (api: Client, body: Record<string, unknown>) =>
  api<Answer>("POST", "/api/plugins/service-caller/raw", body).then((r) => r.body);

async function calls(tenantId: string, slug: string) {
  const { results } = await ledgerDb(env, tenantId)
    .prepare("SELECT kind, name, outcome, error_message FROM plugin_calls WHERE tenant_id = ? AND slug = ? ORDER BY id")
    .bind(tenantId, slug)
    .all<{ kind: string; name: string; outcome: string; error_message: string | null }>();
  return results;
}

async function securityEvents(tenantId: string, slug: string) {
  const { results } = await ledgerDb(env, tenantId)
    .prepare("SELECT kind, detail FROM plugin_security_events WHERE tenant_id = ? AND slug = ? ORDER BY id")
    .bind(tenantId, slug)
    .all<{ kind: string; detail: string }>();
  return results;
}

/** Calls service-caller's /call endpoint in its isolate directly, whatever its state, with a key of our choosing. */
async function callDirectly(tenantId: string, body: unknown, idempotencyKey?: string): Promise<Answer> {
  const target = await findTarget(env, tenantId, "service-caller");
  if (!target) throw new Error("service-caller is not installed");
  const deps = givenSandboxDeps();
  const response = await invokePlugin(deps, target, {
    kind: "endpoint",
    name: "POST /call",
    ...(idempotencyKey ? { idempotencyKey } : {}),
    run: (worker, invocation) =>
      worker.handleRequest(
        "src/call.ts",
        new Request("http://plugin/call", { method: "POST", body: JSON.stringify(body) }),
        invocation,
      ),
  });
  await deps.settle();
  return (await response.json()) as Answer;
}

describe("a plugin's dependencies' services", () => {
  it("run in the dependency's isolate with the dependency's own context, for the caller's tenant", async () => {
    const { api, tenant } = await givenCaller("bonjour");
    expect(await call(api, "service-provider", "whoAmI")).toEqual({
      value: {
        tenant: tenant.id,
        plugin: "service-provider",
        greeting: "bonjour",
        idempotency_key: null,
        // the provider's capabilities, not the caller's (which has none)
        capabilities: ["db"],
      },
    });
    expect(await call(api, "service-provider", "count")).toEqual({ value: { stored: 1, isolate: 1 } });
  });

  it("take and answer plain data, copied across the isolates", async () => {
    const { api } = await givenCaller();
    const value = { nested: [1, "two", null, { deep: true }], amount: 1250 };
    expect(await call(api, "service-provider", "echo", [value])).toEqual({ value });
    expect(await call(api, "service-provider", "sum", [2, 3])).toEqual({ value: 5 });
  });

  it("are accounted as service calls of the dependency, with the caller's idempotency key passed on", async () => {
    const { tenant } = await givenCaller();
    const answer = await callDirectly(tenant.id, { dependency: "service-provider", service: "whoAmI" }, "op-123");
    expect(answer.value).toMatchObject({ idempotency_key: "op-123" });
    const recorded = await eventually(async () => {
      const rows = await calls(tenant.id, "service-provider");
      return rows.some((r) => r.kind === "service") ? rows : undefined;
    });
    expect(recorded).toContainEqual({ kind: "service", name: "whoAmI", outcome: "ok", error_message: null });
  });

  it("hold exactly the manifest's dependencies in context.plugins", async () => {
    const { api } = await givenCaller();
    const res = await api("GET", "/api/plugins/service-caller/clients");
    expect(res.body).toEqual({ keys: ["core-utils", "service-provider"], has_probe: false, awaited: "object" });
  });

  it("are typed from the services module the dependent imports", () => {
    type CoreUtils = PluginContext["plugins"]["core-utils"];
    expectTypeOf<CoreUtils["formatMoney"]>().toEqualTypeOf<
      (minor: number, currency: string, locale?: string) => Promise<string>
    >();
    expectTypeOf<CoreUtils["toMinor"]>().toEqualTypeOf<(amount: string, currency: string) => Promise<number>>();
  });
});

describe("a dependency's services, called from a queued delivery", () => {
  it("run for the delivery's tenant, with the delivery's idempotency key", async () => {
    const { api, tenant } = await givenCaller();
    const created = await api("POST", "/api/commerce/products", { title: "Tea pot", price: 3000, currency: "USD" });
    expect(created.status).toBe(201);
    const memory = await eventually(async () => {
      const answer = await call(api, "service-provider", "remembered");
      const rows = answer.value as { text: string; idempotency_key: string | null }[];
      return rows.length > 0 ? rows : undefined;
    });
    expect(memory).toEqual([{ text: "product created: Tea pot", idempotency_key: expect.stringMatching(/.+/) }]);
    // a delivery's id is the idempotency key its plugin sees, and passes on
    const delivery = await ledgerDb(env, tenant.id)
      .prepare("SELECT id FROM deliveries WHERE tenant_id = ? AND plugin_slug = 'service-caller'")
      .bind(tenant.id)
      .first<{ id: string }>();
    expect(memory[0]?.idempotency_key).toBe(delivery?.id);
  });
});

describe("core-utils' money services, called by a dependent", () => {
  it("convert and format USD, JPY and KWD from the tenant's rate table", async () => {
    const { api } = await givenCaller();
    const money = (amount: string, currency: string, to: string) =>
      api("POST", "/api/plugins/service-caller/money", { amount, currency, to }).then((r) => r.body);
    // $12.50 at 150.3 yen the dollar is ¥1,878.75: half to even, ¥1,879
    expect(await money("12.50", "USD", "JPY")).toEqual({
      minor: 1250,
      formatted: "$12.50",
      converted: 1879,
      converted_formatted: "¥1,879",
      minimum: 50,
    });
    // 1.250 KWD at 0.307 the dollar is $4.0716...: 407 cents; KWD has no table minimum, so USD 0.50 converted, rounded up
    expect(await money("1.250", "KWD", "USD")).toEqual({
      minor: 1250,
      formatted: "KWD\u00a01.250", // CLDR puts a no-break space after a currency code
      converted: 407,
      converted_formatted: "$4.07",
      minimum: 154,
    });
    expect(await money("1000", "JPY", "EUR")).toMatchObject({ minor: 1000, formatted: "¥1,000", converted: 612 });
  });

  it("refuse a rate the table does not have, naming it", async () => {
    const { api } = await givenCaller();
    const answer = await call(api, "core-utils", "convert", [1000, "USD", "GBP"]);
    expect(answer.error).toContain(
      "core-utils failed in service convert: MISSING_RATE: to: exchange_rates has no rate for GBP",
    );
  });
});

describe("what a dependent may not do", () => {
  it("call a plugin it does not depend on: refused, and recorded against the caller", async () => {
    const { api, tenant } = await givenCaller();
    const through = await call(api, "probe", "context");
    expect(through.error).toBe(
      "NOT_A_DEPENDENCY: service-caller does not depend on probe, so it cannot call its services; its manifest's dependencies are service-provider, core-utils.",
    );
    // past the SDK, straight at the binding: the same refusal, for a slug that is not installed at all too
    expect((await raw(api, { dependency: "probe", service: "context", args: [] })).error).toMatch(/^NOT_A_DEPENDENCY/);
    expect((await raw(api, { dependency: "ghost", service: "x", args: [] })).error).toMatch(/^NOT_A_DEPENDENCY/);
    const events = await securityEvents(tenant.id, "service-caller");
    expect(events.map((e) => e.kind)).toEqual(["dependency_denied", "dependency_denied", "dependency_denied"]);
    expect(events[0]?.detail).toContain("called probe.context");
    // probe never ran for it
    expect((await calls(tenant.id, "probe")).filter((c) => c.kind === "service")).toEqual([]);
  });

  it("call a service the dependency does not export: refused with the services it does, not held against it", async () => {
    const { api } = await givenCaller();
    expect((await call(api, "service-provider", "frobnicate")).error).toBe(
      "UNKNOWN_SERVICE: service-provider has no service frobnicate; its services are answerFunction, count, echo, explode, remember, remembered, sleep, sum, whoAmI.",
    );
    expect((await raw(api, { dependency: "service-provider", service: "constructor", args: [] })).error).toMatch(
      /^INVALID_ARGUMENT: service-provider: a service name is an identifier/,
    );
    const health = await api<{ calls: { errors: number } }>("GET", "/api/admin/plugins/service-provider/health");
    expect(health.body.calls.errors).toBe(0);
  });

  it("call a dependency that is installed but not active: refused, naming it and its state", async () => {
    const { tenant } = await givenCaller("hello", { activate: false });
    const answer = await callDirectly(tenant.id, { dependency: "service-provider", service: "whoAmI" });
    expect(answer.error).toBe(
      "DEPENDENCY_NOT_ACTIVE: service-caller depends on service-provider, which is installed for this tenant, not active; activate it first.",
    );
  });

  it("pass a function or take one back: plain data only, and a bad answer counts against the dependency", async () => {
    const { api, tenant } = await givenCaller();
    expect((await raw(api, { dependency: "service-provider", service: "echo", withCallback: true })).error).toBe(
      "INVALID_ARGUMENT: service-provider.echo takes plain data only (arguments are copied into its isolate): args[0] is a function.",
    );
    expect((await call(api, "service-provider", "answerFunction")).error).toBe(
      "service-provider failed in service answerFunction: its answer must be plain data: result is a function",
    );
    const recorded = await eventually(async () => {
      const rows = await calls(tenant.id, "service-provider");
      return rows.some((r) => r.name === "answerFunction") ? rows : undefined;
    });
    expect(recorded).toContainEqual(
      expect.objectContaining({ kind: "service", name: "answerFunction", outcome: "error" }),
    );
  });
});

describe("a service that throws", () => {
  it("fails the caller's call naming the dependency and the service, recorded against the dependency", async () => {
    const { api, tenant } = await givenCaller();
    expect((await call(api, "service-provider", "explode")).error).toBe(
      "service-provider failed in service explode: the provider exploded on purpose",
    );
    const health = await eventually(async () => {
      const res = await api<{ calls: { errors: number; last_error: { kind: string; name: string } | null } }>(
        "GET",
        "/api/admin/plugins/service-provider/health",
      );
      return res.body.calls.errors > 0 ? res.body.calls : undefined;
    });
    expect(health.last_error).toMatchObject({ kind: "service", name: "explode" });
    // the caller's own record is clean: its endpoint caught the failure and answered
    expect((await calls(tenant.id, "service-caller")).every((c) => c.outcome === "ok")).toBe(true);
  });
});

describe("a dependency's call", () => {
  it("may not outlast its caller: it runs within what is left of the caller's time budget", async () => {
    const { api, tenant } = await givenCaller();
    const started = Date.now();
    const res = await api<Answer>("POST", "/api/plugins/service-caller/call", {
      dependency: "service-provider",
      service: "sleep",
      args: [5_000],
    });
    // the caller (2 s budget) gets the dependency's timeout in time to answer for itself
    expect(res.status).toBe(200);
    const within = Number(/did not answer service sleep within (\d+) ms/.exec(res.body.error ?? "")?.[1]);
    expect(within).toBeGreaterThan(1_000);
    expect(within).toBeLessThan(2_000);
    expect(Date.now() - started).toBeLessThan(4_000);
    const recorded = await eventually(async () => {
      const rows = await calls(tenant.id, "service-provider");
      return rows.some((r) => r.name === "sleep") ? rows : undefined;
    });
    expect(recorded).toContainEqual(expect.objectContaining({ kind: "service", name: "sleep", outcome: "timeout" }));
  });
});

describe("tenants", () => {
  it("never share a dependency's isolate, data or configuration: the callee sees the caller's tenant only", async () => {
    const a = await givenCaller("hello from A");
    const b = await givenCaller("hello from B");
    for (let i = 0; i < 3; i++) await call(a.api, "service-provider", "count");
    expect(await call(a.api, "service-provider", "count")).toEqual({ value: { stored: 4, isolate: 4 } });
    expect(await call(b.api, "service-provider", "count")).toEqual({ value: { stored: 1, isolate: 1 } });
    expect((await call(a.api, "service-provider", "whoAmI")).value).toMatchObject({
      tenant: a.tenant.id,
      greeting: "hello from A",
    });
    expect((await call(b.api, "service-provider", "whoAmI")).value).toMatchObject({
      tenant: b.tenant.id,
      greeting: "hello from B",
    });
  });
});
