/** ?dry_run=true on install, activate, deactivate and uninstall: the plan the real call then carries out, and nothing changed. */

import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import {
  type Client,
  type ErrorResponse,
  givenPlugin,
  givenPublished,
  givenReferencePlugins,
  givenTenant,
} from "../helpers.ts";

type Installed = { slug: string; version: string; as_dependency: boolean; permissions: unknown }[];

beforeAll(async () => {
  await givenReferencePlugins();
  await givenPublished("refuses-activation");
});

/**
 * What a transition changes for the tenant: its installations (state, version, config, permissions)
 * and its events (plugin_installed, plugin_activated, and plugin_error when a callback refuses).
 * That no plugin code runs shows in the refuses-activation test below.
 */
async function tenantState(tenantId: string) {
  const rows = async (sql: string) => (await ledgerDb(env, tenantId).prepare(sql).bind(tenantId).all()).results;
  return {
    installations: await rows("SELECT * FROM installations WHERE tenant_id = ? ORDER BY slug"),
    events: await rows("SELECT id, hook, plugin_slug FROM outbox WHERE tenant_id = ? ORDER BY id"),
  };
}

const withDryRun = (path: string) => `${path}${path.includes("?") ? "&" : "?"}dry_run=true`;

/** Calls `path` as a dry run, checks it changed nothing, then for real; returns both answers. */
async function dryThenReal<T>(
  given: Awaited<ReturnType<typeof givenTenant>>,
  method: string,
  path: string,
  body?: unknown,
) {
  const before = await tenantState(given.tenant.id);
  const dry = await given.api<T>(method, withDryRun(path), body);
  expect(await tenantState(given.tenant.id)).toEqual(before);
  const real = await given.api<T>(method, path, body);
  return { dry, real };
}

async function stripeInstalled(api: Client) {
  const config = { secret_key: "sk_test_123", webhook_secret: "whsec_test_123" };
  expect((await api("POST", "/api/admin/plugins/stripe-gateway/install", { config })).status).toBe(201);
}

describe("dry runs of transitions", () => {
  it("plan an install with its dependencies, which the install then carries out", async () => {
    const given = await givenTenant();
    const { dry, real } = await dryThenReal<{ dry_run?: true; installed: Installed }>(
      given,
      "POST",
      "/api/admin/plugins/stripe-gateway/install",
      { version: "^2.0.0", config: { secret_key: "sk_test_123", webhook_secret: "whsec_test_123" } },
    );
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({
      dry_run: true,
      installed: [
        expect.objectContaining({ slug: "core-utils", version: "1.3.0", as_dependency: true }),
        expect.objectContaining({
          slug: "stripe-gateway",
          version: "2.0.0",
          as_dependency: false,
          permissions: expect.objectContaining({ network: ["api.stripe.com"] }),
        }),
      ],
    });
    expect(real.status).toBe(201);
    expect(real.body.installed).toEqual(dry.body.installed);
  });

  it("plan an activation with cascade, dependencies first, as the activation then goes", async () => {
    const given = await givenTenant();
    await stripeInstalled(given.api);
    const { dry, real } = await dryThenReal<{ changed: string[] }>(
      given,
      "POST",
      "/api/admin/plugins/stripe-gateway/activate?cascade=true",
    );
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({ dry_run: true, changed: ["core-utils", "stripe-gateway"] });
    expect(real.status).toBe(200);
    expect(real.body.changed).toEqual(dry.body.changed);
  });

  it("plan a deactivation with cascade, dependents first, as the deactivation then goes", async () => {
    const given = await givenTenant();
    await stripeInstalled(given.api);
    await given.api("POST", "/api/admin/plugins/stripe-gateway/activate?cascade=true");
    const { dry, real } = await dryThenReal<{ changed: string[] }>(
      given,
      "POST",
      "/api/admin/plugins/core-utils/deactivate?cascade=true",
    );
    expect(dry.body).toEqual({ dry_run: true, changed: ["stripe-gateway", "core-utils"] });
    expect(real.body.changed).toEqual(dry.body.changed);
  });

  it("plan an uninstall with cascade, dependents first, as the uninstall then goes", async () => {
    const given = await givenTenant();
    await stripeInstalled(given.api);
    await given.api("POST", "/api/admin/plugins/stripe-gateway/activate?cascade=true");
    const { dry, real } = await dryThenReal<{ changed: string[] }>(
      given,
      "DELETE",
      "/api/admin/plugins/core-utils?cascade=true",
    );
    expect(dry.body).toEqual({ dry_run: true, changed: ["stripe-gateway", "core-utils"] });
    expect(real.status).toBe(200);
    expect(real.body.changed).toEqual(dry.body.changed);
  });

  it("run no plugin code, so a lifecycle callback's refusal shows only in the real call", async () => {
    const given = await givenTenant();
    await given.api("POST", "/api/admin/plugins/refuses-activation/install");
    const { dry, real } = await dryThenReal<ErrorResponse>(
      given,
      "POST",
      "/api/admin/plugins/refuses-activation/activate",
    );
    expect(dry.body).toEqual({ dry_run: true, changed: ["refuses-activation"] });
    expect(real.status).toBe(422);
    expect(real.body.error.code).toBe("LIFECYCLE_CALLBACK_FAILED");
  });
});

type Case = [string, (api: Client) => Promise<string>, string, string, unknown?];

const refusals: Case[] = [
  [
    "an activation whose dependency is inactive",
    async (api) => {
      await stripeInstalled(api);
      return "DEPENDENCY_INACTIVE";
    },
    "POST",
    "/api/admin/plugins/stripe-gateway/activate",
  ],
  [
    "an activation that misses a required setting",
    async (api) => {
      await api("POST", "/api/admin/plugins/stripe-gateway/install");
      return "INVALID_CONFIGURATION";
    },
    "POST",
    "/api/admin/plugins/stripe-gateway/activate?cascade=true",
  ],
  [
    "an install whose dependency no version satisfies",
    async () => {
      const needsNewCore = await givenPlugin("needs-core-9", (b) => b.dependency("core-utils", "^9.0.0"));
      return `DEPENDENCY_MISSING ${needsNewCore.slug}`;
    },
    "POST",
    "/api/admin/plugins/{slug}/install",
  ],
  [
    "an install without its dependencies when they may not be installed",
    async () => "DEPENDENCIES_NOT_INSTALLED",
    "POST",
    "/api/admin/plugins/stripe-gateway/install",
    { install_dependencies: false },
  ],
  [
    "an install with a configuration that does not validate",
    async () => "INVALID_CONFIGURATION",
    "POST",
    "/api/admin/plugins/stripe-gateway/install",
    { config: { capture: "sometimes" } },
  ],
  [
    "a second install",
    async (api) => {
      await api("POST", "/api/admin/plugins/core-utils/install");
      return "ILLEGAL_TRANSITION";
    },
    "POST",
    "/api/admin/plugins/core-utils/install",
  ],
  [
    "a deactivation under an active dependent",
    async (api) => {
      await stripeInstalled(api);
      await api("POST", "/api/admin/plugins/stripe-gateway/activate?cascade=true");
      return "DEPENDENTS_ACTIVE";
    },
    "POST",
    "/api/admin/plugins/core-utils/deactivate",
  ],
  [
    "an uninstall of an active plugin",
    async (api) => {
      await api("POST", "/api/admin/plugins/core-utils/install");
      await api("POST", "/api/admin/plugins/core-utils/activate");
      return "ILLEGAL_TRANSITION";
    },
    "DELETE",
    "/api/admin/plugins/core-utils",
  ],
  [
    "an uninstall under an installed dependent",
    async (api) => {
      await stripeInstalled(api);
      return "DEPENDENTS_INSTALLED";
    },
    "DELETE",
    "/api/admin/plugins/core-utils",
  ],
  ["a plugin that does not exist", async () => "PLUGIN_NOT_FOUND", "POST", "/api/admin/plugins/stripe-gatway/activate"],
];

describe("what a dry run refuses", () => {
  it.each(refusals)("refuses %s exactly as the real call does", async (_what, setup, method, template, body) => {
    const given = await givenTenant();
    const [code, slug] = (await setup(given.api)).split(" ");
    const path = template.replace("{slug}", slug ?? "");
    const { dry, real } = await dryThenReal<ErrorResponse>(given, method, path, body);
    expect(dry.body.error?.code).toBe(code);
    expect(dry).toEqual(real);
  });

  it("refuses a dry_run flag that is not true or false, naming it", async () => {
    const { api } = await givenTenant();
    const res = await api<ErrorResponse>("POST", "/api/admin/plugins/core-utils/install?dry_run=yes");
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.message).toContain("query.dry_run");
  });

  it.each([
    ["POST", "/api/admin/plugins/core-utils/install?dry_run=true"],
    ["POST", "/api/admin/plugins/core-utils/activate?dry_run=true"],
    ["POST", "/api/admin/plugins/core-utils/deactivate?dry_run=true"],
    ["DELETE", "/api/admin/plugins/core-utils?dry_run=true"],
  ])("forbids a viewer to plan %s %s, as it forbids the change", async (method, path) => {
    const { as } = await givenTenant();
    const res = await as("viewer")<ErrorResponse>(method, path);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
  });
});
