import { describe, expect, it } from "vitest";
import { type PluginManifestInput, parseManifest, safeParseManifest } from "./index.ts";

// Copied from the spec, "Plugin Manifest".
const specManifest = {
  name: "Stripe Payment Gateway",
  slug: "stripe-gateway",
  version: "1.0.0",
  category: "payment",
  dependencies: [{ name: "core-utils", version: "^1.0.0" }],
  hooks: [
    {
      name: "before_payment_process",
      handler: "src/hooks/beforePaymentProcess.ts",
      priority: 100,
    },
  ],
  api_endpoints: [
    {
      method: "POST",
      path: "/process-payment",
      handler: "src/api/processPayment.ts",
      auth_required: true,
    },
  ],
  admin_ui: {
    settings_component: "src/admin/Settings.tsx",
    widgets: [
      {
        id: "stripe-revenue",
        component: "src/admin/RevenueWidget.tsx",
        dashboard: "analytics",
      },
    ],
  },
  settings_schema: {
    api_key: {
      type: "string",
      label: "API Key",
      required: true,
      sensitive: true,
    },
  },
};

function givenManifest(overrides: Partial<PluginManifestInput> = {}): PluginManifestInput {
  return { name: "Test Plugin", slug: "test-plugin", version: "1.0.0", ...overrides };
}

describe("plugin manifest", () => {
  it("accepts the spec's example manifest as it stands", () => {
    const manifest = parseManifest(specManifest);
    expect(manifest).toMatchObject(specManifest);
  });

  it("fills in the defaults a manifest leaves out", () => {
    expect(parseManifest(givenManifest())).toEqual({
      name: "Test Plugin",
      slug: "test-plugin",
      version: "1.0.0",
      category: "utility",
      dependencies: [],
      hooks: [],
      api_endpoints: [],
      webhooks: [],
      settings_schema: {},
      permissions: { network: [], capabilities: [], sockets: [] },
      limits: {},
      migrations: [],
    });
  });

  it.each<[string, Partial<PluginManifestInput>, string, RegExp]>([
    ["a slug that is not kebab-case", { slug: "Stripe_Gateway" }, "slug", /kebab-case/],
    ["a slug the admin API reserves", { slug: "graph" }, "slug", /reserved/],
    ["a version that is not semantic", { version: "1.0" }, "version", /semantic version/],
    [
      "a dependency range that is not a range",
      { dependencies: [{ name: "core-utils", version: "one-ish" }] },
      "dependencies.0.version",
      /semver range/,
    ],
    ["an unknown category", { category: "shipping" as "payment" }, "category", /payment/],
    [
      "the same endpoint twice",
      {
        api_endpoints: [
          { method: "POST", path: "/process", handler: "a.ts" },
          { method: "POST", path: "/process", handler: "b.ts" },
        ],
      },
      "api_endpoints.1",
      /POST \/process is declared twice/,
    ],
    [
      "two endpoints that serve the same paths",
      {
        api_endpoints: [
          { method: "GET", path: "/items/:id", handler: "a.ts" },
          { method: "GET", path: "/items/:sku", handler: "b.ts" },
        ],
      },
      "api_endpoints.1",
      /GET \/items\/:sku serves the same paths as GET \/items\/:id/,
    ],
    [
      "a parameter that is not a whole segment",
      { api_endpoints: [{ method: "GET", path: "/items/:id.json", handler: "a.ts" }] },
      "api_endpoints.0.path",
      /":id.json" is not a parameter/,
    ],
    [
      "a dependency on itself",
      { dependencies: [{ name: "test-plugin", version: "^1.0.0" }] },
      "dependencies.0.name",
      /cannot depend on itself/,
    ],
    [
      "a sensitive setting with a default",
      { settings_schema: { api_key: { type: "string", label: "API Key", sensitive: true, default: "sk_test" } } },
      "settings_schema.api_key.default",
      /sensitive setting cannot have a default/,
    ],
    [
      "network hosts without the http capability",
      { permissions: { network: ["api.stripe.com"], capabilities: ["cache"] } },
      "permissions.capabilities",
      /"http" capability/,
    ],
    [
      "an unknown hook",
      { hooks: [{ name: "before_payment_create", handler: "a.ts" }] },
      "hooks.0.name",
      /did you mean "before_payment_process"/,
    ],
  ])("rejects %s, naming the field", (_, overrides, path, message) => {
    const result = safeParseManifest(givenManifest(overrides));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it("reports every problem of a manifest at once, each with its path", () => {
    const input = givenManifest({
      slug: "Bad Slug",
      version: "latest",
      hooks: [{ name: "before_payment_create", handler: "a.ts" }],
      permissions: { network: ["api.stripe.com"] },
    });
    expect(() => parseManifest(input)).toThrow(
      expect.objectContaining({
        code: "INVALID_MANIFEST",
        message: expect.stringContaining("4 problems"),
        problems: ["slug", "version", "hooks.0.name", "permissions.capabilities"].map((path) =>
          expect.objectContaining({ path }),
        ),
      }),
    );
  });
});
