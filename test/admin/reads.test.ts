import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { type ErrorResponse, givenPlugin, givenReferencePlugins, givenTenant } from "../helpers.ts";

beforeAll(async () => {
  await givenReferencePlugins();
});

async function stripeActive() {
  const given = await givenTenant();
  await given.api("POST", "/api/admin/plugins/stripe-gateway/install", {
    config: { secret_key: "sk_test_123", webhook_secret: "whsec_test_123" },
  });
  await given.api("POST", "/api/admin/plugins/stripe-gateway/activate?cascade=true");
  return given;
}

describe("reading the catalogue and installations", () => {
  it("lists available plugins with this tenant's state of each", async () => {
    const { api } = await givenTenant();
    await api("POST", "/api/admin/plugins/core-utils/install");
    const res = await api<{ plugins: { slug: string; state: string; latest_version: string }[] }>(
      "GET",
      "/api/admin/plugins/available",
    );
    expect(res.status).toBe(200);
    const bySlug = Object.fromEntries(res.body.plugins.map((p) => [p.slug, p]));
    expect(bySlug["core-utils"]).toMatchObject({ state: "installed", latest_version: "1.3.0" });
    expect(bySlug["stripe-gateway"]).toMatchObject({ state: "available" });
  });

  it("lists installed plugins, those pulled in as dependencies marked so", async () => {
    const { api } = await stripeActive();
    const res = await api<{ plugins: unknown[] }>("GET", "/api/admin/plugins/installed");
    expect(res.body.plugins).toEqual([
      expect.objectContaining({ slug: "core-utils", state: "active", as_dependency: true, name: "Core Utils" }),
      expect.objectContaining({ slug: "stripe-gateway", state: "active", as_dependency: false, category: "payment" }),
    ]);
  });

  it("details a plugin: manifest, versions and this tenant's installation", async () => {
    const { api } = await stripeActive();
    const res = await api<{
      manifest: { settings_schema: object };
      installation: { state: string };
      versions: string[];
    }>("GET", "/api/admin/plugins/stripe-gateway");
    expect(res.status).toBe(200);
    expect(res.body.versions).toEqual(["2.0.0"]);
    expect(res.body.installation.state).toBe("active");
    expect(res.body.manifest.settings_schema).toHaveProperty("secret_key");
    expect(res.body.manifest.settings_schema).toHaveProperty("webhook_secret");
  });

  it("draws the dependency graph as nodes and edges", async () => {
    const { api } = await stripeActive();
    const res = await api<{ nodes: { slug: string; state: string }[]; edges: unknown[] }>(
      "GET",
      "/api/admin/plugins/graph/dependencies",
    );
    expect(res.status).toBe(200);
    expect(res.body.nodes).toEqual(
      expect.arrayContaining([expect.objectContaining({ slug: "stripe-gateway", state: "active" })]),
    );
    expect(res.body.edges).toContainEqual({
      from: "stripe-gateway",
      to: "core-utils",
      range: "^1.3.0",
      satisfied: true,
    });
  });

  it("checks a plugin's dependencies and lists its dependents", async () => {
    const { api } = await stripeActive();
    const stripe = await api<{ resolvable: boolean; dependencies: unknown[] }>(
      "GET",
      "/api/admin/plugins/stripe-gateway/dependencies",
    );
    expect(stripe.body).toMatchObject({
      resolvable: true,
      dependencies: [
        { slug: "core-utils", range: "^1.3.0", version: "1.3.0", state: "active", satisfied: true, dependencies: [] },
      ],
    });
    const core = await api<{ dependents: unknown[] }>("GET", "/api/admin/plugins/core-utils/dependencies");
    expect(core.body.dependents).toEqual([{ slug: "stripe-gateway", state: "active" }]);
  });

  it("marks a dependency that cannot be satisfied, with the reason", async () => {
    const broken = await givenPlugin("broken", (b) => b.dependency("core-utils", "^9.0.0"));
    const { api } = await givenTenant();
    const res = await api<{
      resolvable: boolean;
      dependencies: { satisfied: boolean }[];
      problems: { code: string; message: string }[];
    }>("GET", `/api/admin/plugins/${broken.slug}/dependencies`);
    expect(res.body.resolvable).toBe(false);
    expect(res.body.dependencies[0]?.satisfied).toBe(false);
    expect(res.body.problems[0]).toMatchObject({
      code: "MISSING_DEPENDENCY",
      message: expect.stringContaining("^9.0.0"),
    });
  });

  it("reports health: healthy when active and complete, inactive and not installed otherwise", async () => {
    const { api } = await stripeActive();
    const healthy = await api<{ status: string; checks: { ok: boolean }[] }>(
      "GET",
      "/api/admin/plugins/stripe-gateway/health",
    );
    expect(healthy.body.status).toBe("healthy");
    expect(healthy.body.checks.every((c) => c.ok)).toBe(true);
    await api("POST", "/api/admin/plugins/stripe-gateway/deactivate");
    expect((await api<{ status: string }>("GET", "/api/admin/plugins/stripe-gateway/health")).body.status).toBe(
      "inactive",
    );
    const other = await givenTenant();
    expect((await other.api<{ status: string }>("GET", "/api/admin/plugins/stripe-gateway/health")).body.status).toBe(
      "not_installed",
    );
  });
});

describe("unknown plugins and routes", () => {
  it.each([
    ["GET", "/api/admin/plugins/stripe-gatway"],
    ["POST", "/api/admin/plugins/stripe-gatway/install"],
    ["POST", "/api/admin/plugins/stripe-gatway/activate"],
    ["POST", "/api/admin/plugins/stripe-gatway/deactivate"],
    ["DELETE", "/api/admin/plugins/stripe-gatway"],
    ["GET", "/api/admin/plugins/stripe-gatway/config"],
    ["PUT", "/api/admin/plugins/stripe-gatway/config"],
    ["GET", "/api/admin/plugins/stripe-gatway/dependencies"],
    ["GET", "/api/admin/plugins/stripe-gatway/health"],
  ])("%s %s is a 404 that suggests the nearest slug", async (method, path) => {
    const { api } = await givenTenant();
    const res = await api<ErrorResponse>(method, path, method === "PUT" ? {} : undefined);
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      code: "PLUGIN_NOT_FOUND",
      message: expect.stringContaining('did you mean "stripe-gateway"'),
    });
  });

  it("answers an unknown route with a JSON 404", async () => {
    const res = await SELF.fetch("http://commerce.test/api/nothing-here");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: "NOT_FOUND", message: "No route GET /api/nothing-here; see /api/docs." },
    });
  });

  it("refuses an install body with an unknown field, naming it", async () => {
    const { api } = await givenTenant();
    const res = await api<ErrorResponse>("POST", "/api/admin/plugins/core-utils/install", { versoin: "^1.0.0" });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.message).toContain("versoin");
  });
});

describe("API description", () => {
  it("serves an OpenAPI 3.1 document with every admin route of the spec", async () => {
    const res = await SELF.fetch("http://commerce.test/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe("3.1.0");
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes.filter((r) => r.includes("/api/admin/plugins")).sort()).toEqual(
      [
        "GET /api/admin/plugins/available",
        "GET /api/admin/plugins/installed",
        "GET /api/admin/plugins/{slug}",
        "POST /api/admin/plugins/{slug}/install",
        "POST /api/admin/plugins/{slug}/activate",
        "POST /api/admin/plugins/{slug}/deactivate",
        "DELETE /api/admin/plugins/{slug}",
        "PUT /api/admin/plugins/{slug}/config",
        "GET /api/admin/plugins/{slug}/config",
        "GET /api/admin/plugins/{slug}/dependencies",
        "GET /api/admin/plugins/{slug}/health",
        "GET /api/admin/plugins/{slug}/health/history",
        "GET /api/admin/plugins/graph/dependencies",
        "POST /api/admin/plugins",
        // versions (api/src/lifecycle/upgrade.ts, rollback.ts)
        "POST /api/admin/plugins/{slug}/upgrade",
        "POST /api/admin/plugins/{slug}/rollback",
        // the versions catalogue and canary rollouts (api/src/rollouts)
        "GET /api/admin/plugins/{slug}/versions",
        "POST /api/admin/plugins/{slug}/versions/reindex",
        "GET /api/admin/plugins/{slug}/rollouts",
        "POST /api/admin/plugins/{slug}/rollouts",
        "GET /api/admin/plugins/{slug}/rollouts/{id}",
        "POST /api/admin/plugins/{slug}/rollouts/{id}/widen",
        "POST /api/admin/plugins/{slug}/rollouts/{id}/stop",
        // plugin UI (api/src/admin/ui.ts)
        "GET /api/admin/plugins/{slug}/settings-component",
        "POST /api/admin/plugins/{slug}/widgets/{id}/actions/{action}",
      ].sort(),
    );
    // the pipeline's, the webhooks' and the commerce API's routes are described too
    expect(routes).toEqual(
      expect.arrayContaining([
        "GET /api/admin/traces/{id}",
        "GET /api/admin/events/{id}",
        "GET /api/admin/dead-letters",
        "POST /api/admin/dead-letters/{id}/replay",
        "POST /api/admin/hooks/{hook}/run",
        "GET /api/admin/whoami",
        "POST /api/admin/webhooks",
        "POST /api/commerce/payments",
      ]),
    );
  });

  it("serves interactive docs", async () => {
    const res = await SELF.fetch("http://commerce.test/api/docs");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("/api/openapi.json");
  });
});

describe("read views", () => {
  it("show a change made through the API on the very next read", async () => {
    const { api } = await givenTenant();
    expect((await api<{ plugins: unknown[] }>("GET", "/api/admin/plugins/installed")).body.plugins).toEqual([]);
    await api("POST", "/api/admin/plugins/core-utils/install");
    const after = await api<{ plugins: { slug: string }[] }>("GET", "/api/admin/plugins/installed");
    expect(after.body.plugins.map((p) => p.slug)).toEqual(["core-utils"]);
  });

  it("read D1 afresh when the client sends Cache-Control: no-cache", async () => {
    const { tenant, tokens, api } = await givenTenant();
    await api("GET", "/api/admin/plugins/installed");
    // a change another isolate made: this isolate's cache has not seen it
    await ledgerDb(env, tenant.id)
      .prepare(
        "INSERT INTO installations (tenant_id, slug, version, state) VALUES (?, 'core-utils', '1.3.0', 'installed')",
      )
      .bind(tenant.id)
      .run();
    const res = await SELF.fetch("http://commerce.test/api/admin/plugins/installed", {
      headers: { authorization: `Bearer ${tokens.viewer}`, "cache-control": "no-cache" },
    });
    const body = (await res.json()) as { plugins: { slug: string }[] };
    expect(body.plugins.map((p) => p.slug)).toEqual(["core-utils"]);
  });
});
