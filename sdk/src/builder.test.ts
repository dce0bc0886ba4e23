import { describe, expect, it } from "vitest";
import {
  createAnalyticsPlugin,
  createAuthPlugin,
  createCmsPlugin,
  createEmailPlugin,
  createPaymentPlugin,
  createPlugin,
  ManifestError,
  type PluginBuilder,
} from "./index.ts";

describe("plugin builder", () => {
  it("builds the spec's Stripe Gateway example", () => {
    // Copied from the spec, "Using the Plugin Builder".
    const manifest = createPaymentPlugin("Stripe Gateway", "stripe-gateway")
      .version("1.0.0")
      .description("Stripe payment integration")
      .author("Your Name")
      .dependency("core-utils", "^1.0.0")
      .hook("before_payment_process", "src/hooks/beforePayment.ts")
      .apiEndpoint("POST", "/process", "src/api/process.ts")
      .webhook("/webhooks/stripe")
      .setting("api_key", {
        type: "string",
        label: "API Key",
        required: true,
        sensitive: true,
      })
      .build();

    expect(manifest).toEqual({
      name: "Stripe Gateway",
      slug: "stripe-gateway",
      version: "1.0.0",
      category: "payment",
      description: "Stripe payment integration",
      author: "Your Name",
      dependencies: [{ name: "core-utils", version: "^1.0.0" }],
      hooks: [{ name: "before_payment_process", handler: "src/hooks/beforePayment.ts", priority: 100 }],
      api_endpoints: [{ method: "POST", path: "/process", handler: "src/api/process.ts", auth_required: true }],
      webhooks: [{ path: "/webhooks/stripe" }],
      settings_schema: { api_key: { type: "string", label: "API Key", required: true, sensitive: true } },
      permissions: { network: [], capabilities: [], sockets: [] },
      limits: {},
      migrations: [],
    });
  });

  it("puts every builder method into the manifest", () => {
    const manifest = createPlugin("Stripe Gateway", "stripe-gateway")
      .version("2.1.0")
      .description("Stripe payment integration")
      .author("Ada Lovelace")
      .category("payment")
      .homepage("https://example.com/stripe-gateway")
      .license("MIT")
      .dependency("core-utils", "^1.0.0")
      .hook("before_payment_process", "src/hooks/beforePayment.ts", 50, { on_failure: "abort", timeout_ms: 2000 })
      .hook("after_payment_success", "src/hooks/afterPayment.ts")
      .apiEndpoint("POST", "/process", "src/api/process.ts")
      .apiEndpoint("GET", "/status", "src/api/status.ts", { auth_required: false })
      .webhook("/webhooks/stripe", "src/webhooks/stripe.ts")
      .setting("api_key", { type: "string", label: "API Key", required: true, sensitive: true })
      .setting("capture", { type: "boolean", label: "Capture immediately", default: true })
      .permission({ network: ["api.stripe.com"], capabilities: ["http"] })
      .permission({ capabilities: ["cache", "db"] })
      .limits({ timeout_ms: 2000, sub_requests: 3 })
      .migration("0001_init", "CREATE TABLE charges (id TEXT PRIMARY KEY)")
      .settingsComponent("src/admin/Settings.tsx")
      .widget({ id: "stripe-revenue", component: "src/admin/RevenueWidget.tsx", dashboard: "analytics" })
      .build();

    expect(manifest).toEqual({
      name: "Stripe Gateway",
      slug: "stripe-gateway",
      version: "2.1.0",
      category: "payment",
      description: "Stripe payment integration",
      author: "Ada Lovelace",
      homepage: "https://example.com/stripe-gateway",
      license: "MIT",
      dependencies: [{ name: "core-utils", version: "^1.0.0" }],
      hooks: [
        {
          name: "before_payment_process",
          handler: "src/hooks/beforePayment.ts",
          priority: 50,
          on_failure: "abort",
          timeout_ms: 2000,
        },
        { name: "after_payment_success", handler: "src/hooks/afterPayment.ts", priority: 100 },
      ],
      api_endpoints: [
        { method: "POST", path: "/process", handler: "src/api/process.ts", auth_required: true },
        { method: "GET", path: "/status", handler: "src/api/status.ts", auth_required: false },
      ],
      webhooks: [{ path: "/webhooks/stripe", handler: "src/webhooks/stripe.ts" }],
      settings_schema: {
        api_key: { type: "string", label: "API Key", required: true, sensitive: true },
        capture: { type: "boolean", label: "Capture immediately", required: false, sensitive: false, default: true },
      },
      permissions: { network: ["api.stripe.com"], capabilities: ["http", "cache", "db"], sockets: [] },
      limits: { timeout_ms: 2000, sub_requests: 3 },
      migrations: [{ id: "0001_init", sql: "CREATE TABLE charges (id TEXT PRIMARY KEY)" }],
      admin_ui: {
        settings_component: "src/admin/Settings.tsx",
        widgets: [{ id: "stripe-revenue", component: "src/admin/RevenueWidget.tsx", dashboard: "analytics" }],
      },
    });
  });

  it("gives a plugin version 0.1.0 and category utility until told otherwise", () => {
    const manifest = createPlugin("Core Utils", "core-utils").build();
    expect(manifest).toMatchObject({ version: "0.1.0", category: "utility" });
    expect(manifest).not.toHaveProperty("admin_ui");
  });

  it.each([
    ["createPaymentPlugin", "payment", createPaymentPlugin],
    ["createAuthPlugin", "auth", createAuthPlugin],
    ["createAnalyticsPlugin", "analytics", createAnalyticsPlugin],
    ["createEmailPlugin", "email", createEmailPlugin],
    ["createCmsPlugin", "cms", createCmsPlugin],
  ])("%s starts a plugin of category %s", (_, category, create) => {
    expect(create("Some Plugin", "some-plugin").build().category).toBe(category);
  });

  it("lets .category() override a preset, as the spec's unit test does", () => {
    expect(createPlugin("Test Plugin", "test").category("payment").build()).toMatchObject({
      slug: "test",
      category: "payment",
    });
  });

  it("grants each permission once however often it is asked for", () => {
    const manifest = createPlugin("Core Utils", "core-utils")
      .permission({ network: ["api.stripe.com"], capabilities: ["http"] })
      .permission({ network: ["api.stripe.com", "files.stripe.com"], capabilities: ["http", "cache"] })
      .permission({ sockets: [{ host: "smtp.example.com", port: 587, transport: "starttls" }] })
      .permission({ sockets: [{ host: "smtp.example.com", port: 587, transport: "starttls" }] })
      .build();
    expect(manifest.permissions).toEqual({
      network: ["api.stripe.com", "files.stripe.com"],
      capabilities: ["http", "cache"],
      sockets: [{ host: "smtp.example.com", port: 587, transport: "starttls" }],
    });
  });

  it("keeps a built manifest as it was when the builder goes on", () => {
    const builder = createPlugin("Core Utils", "core-utils").hook("plugin_installed", "src/hooks/installed.ts");
    const first = builder.build();
    builder.hook("plugin_error", "src/hooks/error.ts").permission({ capabilities: ["logger"] });
    expect(first.hooks).toHaveLength(1);
    expect(first.permissions.capabilities).toEqual([]);
  });
});

describe("plugin builder validation", () => {
  it("accepts an unknown hook name and reports it at build() with the closest valid hook", () => {
    const builder = createPaymentPlugin("Stripe Gateway", "stripe-gateway").hook(
      "before_payment_create",
      "src/hooks/beforePayment.ts",
    );
    expect(() => builder.build()).toThrow(
      expect.objectContaining({
        problems: [
          { path: "hooks.0.name", message: expect.stringContaining('did you mean "before_payment_process"?') },
        ],
      }),
    );
  });

  it("reports every problem of a manifest at once, each with its path", () => {
    const build = () =>
      createPaymentPlugin("Stripe Gateway", "Stripe Gateway")
        .dependency("core-utils", "about one")
        .hook("before_payment_create", "src/hooks/beforePayment.ts")
        .build();

    expect(build).toThrow(ManifestError);
    expect(build).toThrow(
      expect.objectContaining({
        code: "INVALID_MANIFEST",
        problems: ["slug", "dependencies.0.version", "hooks.0.name"].map((path) => expect.objectContaining({ path })),
      }),
    );
    expect(build).toThrow(/Invalid plugin manifest for Stripe Gateway \(3 problems\)/);
  });

  it.each<[string, (b: PluginBuilder) => PluginBuilder, string, RegExp]>([
    ["a version that is not semantic", (b) => b.version("v1"), "version", /semantic version/],
    ["a dependency on itself", (b) => b.dependency("stripe-gateway", "^1.0.0"), "dependencies.0.name", /itself/],
    [
      "the same dependency twice",
      (b) => b.dependency("core-utils", "^1.0.0").dependency("core-utils", "^2.0.0"),
      "dependencies.1.name",
      /listed twice/,
    ],
    [
      "the same endpoint twice",
      (b) => b.apiEndpoint("POST", "/process", "a.ts").apiEndpoint("POST", "/process", "b.ts"),
      "api_endpoints.1",
      /declared twice/,
    ],
    [
      "an endpoint path without a leading slash",
      (b) => b.apiEndpoint("GET", "status", "a.ts"),
      "api_endpoints.0.path",
      /start with \//,
    ],
    ["a hook priority below zero", (b) => b.hook("plugin_error", "a.ts", -1), "hooks.0.priority", /0/],
    [
      "the same setting twice",
      (b) =>
        b.setting("api_key", { type: "string", label: "Key" }).setting("api_key", { type: "string", label: "Key" }),
      "settings_schema.api_key",
      /declared twice/,
    ],
    [
      "a sensitive setting with a default",
      (b) => b.setting("api_key", { type: "string", label: "API Key", sensitive: true, default: "sk_test" }),
      "settings_schema.api_key.default",
      /cannot have a default/,
    ],
    [
      "network hosts without the http capability",
      (b) => b.permission({ network: ["api.stripe.com"] }),
      "permissions.capabilities",
      /"http" capability/,
    ],
    [
      "the same widget twice",
      (b) =>
        b
          .widget({ id: "revenue", component: "a.tsx", dashboard: "analytics" })
          .widget({ id: "revenue", component: "b.tsx", dashboard: "analytics" }),
      "admin_ui.widgets.1.id",
      /declared twice/,
    ],
  ])("reports %s", (_, misuse, path, message) => {
    const builder = misuse(createPaymentPlugin("Stripe Gateway", "stripe-gateway"));
    expect(() => builder.build()).toThrow(
      expect.objectContaining({ problems: [{ path, message: expect.stringMatching(message) }] }),
    );
  });
});
