/** The spec's "Testing" examples, as written there, against the real registry. */

import { env } from "cloudflare:test";
import { createPlugin } from "@digital-commerce/plugin-sdk";
import { describe, expect, it } from "vitest";
import { createPluginManager } from "../api/src/manager/index.ts";
import { givenPublished, givenTenant } from "./helpers.ts";
import { hookRun } from "./pipeline/helpers.ts";

const pluginManager = createPluginManager(env.DB);

describe("Plugin System", () => {
  it("should register valid plugin", async () => {
    const manifest = createPlugin("Test Plugin", "test").category("payment").build();

    await pluginManager.registerPlugin(manifest);

    const plugins = await pluginManager.listPlugins();
    expect(plugins).toContainEqual(expect.objectContaining({ slug: "test" }));
  });
});

describe("registration", () => {
  it("refuses a manifest that does not validate, listing each problem with its path", async () => {
    await expect(pluginManager.registerPlugin({ name: "Bad", slug: "Bad Slug", version: "one" })).rejects.toMatchObject(
      {
        code: "INVALID_MANIFEST",
        details: {
          issues: expect.arrayContaining([
            expect.objectContaining({ path: "slug" }),
            expect.objectContaining({ path: "version" }),
          ]),
        },
      },
    );
  });

  it("refuses different contents under a version already registered", async () => {
    const manifest = createPlugin("Versioned", "versioned-plugin").version("1.0.0").build();
    await pluginManager.registerPlugin(manifest);
    await expect(pluginManager.registerPlugin(manifest)).resolves.toMatchObject({ created: false });
    await expect(pluginManager.registerPlugin({ ...manifest, description: "changed" })).rejects.toMatchObject({
      code: "VERSION_EXISTS",
    });
  });
});

describe("Plugin Integration", () => {
  /** A tenant running the spec's payment handler (stripe-gateway, priority 100) after a fraud check (priority 10). */
  async function givenPaymentChain() {
    const { tenant, api } = await givenTenant();
    for (const slug of ["core-utils", "stripe-gateway", "fraud-check"]) await givenPublished(slug);
    const config = { secret_key: "sk_test_123", webhook_secret: "whsec_test_123" };
    expect((await api("POST", "/api/admin/plugins/stripe-gateway/install", { config })).status).toBe(201);
    expect((await api("POST", "/api/admin/plugins/core-utils/activate")).status).toBe(200);
    expect((await api("POST", "/api/admin/plugins/stripe-gateway/activate")).status).toBe(200);
    expect((await api("POST", "/api/admin/plugins/fraud-check/install")).status).toBe(201);
    expect((await api("POST", "/api/admin/plugins/fraud-check/activate")).status).toBe(200);
    return createPluginManager(env.DB, hookRun(tenant.id));
  }
  /** $25.00, in integer minor units as payments carry amounts; above Stripe's minimum charge for USD. */
  const paymentData = { payment: { amount: 2500, currency: "USD" } };

  // The spec writes 'before_payment', which its own hook catalogue does not have; the payment hook is before_payment_process.
  it("should execute hooks in order", async () => {
    const pluginManager = await givenPaymentChain();
    const results = await pluginManager.executeHook("before_payment_process", paymentData);
    expect(results).toHaveLength(2);
    expect(results[0]?.priority).toBeLessThan(results[1]?.priority ?? Number.NaN);
    expect(results.map((r) => [r.plugin, r.outcome])).toEqual([
      ["fraud-check", "transformed"],
      ["stripe-gateway", "transformed"],
    ]);
  });

  it("refuses the spec's 'before_payment', naming the hook it means", async () => {
    const pluginManager = await givenPaymentChain();
    await expect(pluginManager.executeHook("before_payment", paymentData)).rejects.toMatchObject({
      code: "UNKNOWN_HOOK",
      message: expect.stringContaining('did you mean "before_payment_process"'),
    });
  });
});
