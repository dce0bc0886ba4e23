import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { type ErrorResponse, eventually, givenPlugin, givenReferencePlugins, givenTenant } from "../helpers.ts";

type Installation = { slug: string; state: string; as_dependency: boolean; version: string };
type InstallResult = { plugin: Installation; installed: { slug: string; version: string; as_dependency: boolean }[] };
type Transition = { plugin: Installation | null; changed: string[] };

beforeAll(async () => {
  await givenReferencePlugins();
});

async function stateOf(tenantId: string, slug: string) {
  const row = await ledgerDb(env, tenantId)
    .prepare("SELECT state FROM installations WHERE tenant_id = ? AND slug = ?")
    .bind(tenantId, slug)
    .first<{ state: string }>();
  return row?.state ?? "available";
}

describe("install", () => {
  it("pulls in the dependency of stripe-gateway and records both installs as events", async () => {
    const { tenant, api } = await givenTenant();
    const res = await api<InstallResult>("POST", "/api/admin/plugins/stripe-gateway/install");
    expect(res.status).toBe(201);
    expect(res.body.installed.map((p) => [p.slug, p.as_dependency])).toEqual([
      ["core-utils", true],
      ["stripe-gateway", false],
    ]);
    expect(res.body.plugin).toMatchObject({ slug: "stripe-gateway", state: "installed", version: "2.0.0" });
    const { results } = await ledgerDb(env, tenant.id)
      .prepare("SELECT hook, plugin_slug, sent_at FROM outbox WHERE tenant_id = ? ORDER BY plugin_slug")
      .bind(tenant.id)
      .all<{ hook: string; plugin_slug: string; sent_at: string | null }>();
    expect(results.map((r) => [r.hook, r.plugin_slug])).toEqual([
      ["plugin_installed", "core-utils"],
      ["plugin_installed", "stripe-gateway"],
    ]);
    // sent after the answer, and marked sent with the ledger's next deferred write (ledger/write-behind.ts)
    await eventually(async () => {
      const { results: marked } = await ledgerDb(env, tenant.id)
        .prepare("SELECT COUNT(*) AS n FROM outbox WHERE tenant_id = ? AND sent_at IS NULL")
        .bind(tenant.id)
        .all<{ n: number }>();
      return marked[0]?.n === 0 ? true : undefined;
    });
  });

  it("refuses, naming the missing dependency, when install_dependencies is false, and installs nothing", async () => {
    const { tenant, api } = await givenTenant();
    const res = await api<ErrorResponse>("POST", "/api/admin/plugins/stripe-gateway/install", {
      install_dependencies: false,
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("DEPENDENCIES_NOT_INSTALLED");
    expect(res.body.error.message).toContain("core-utils");
    expect(await stateOf(tenant.id, "core-utils")).toBe("available");
    expect(await stateOf(tenant.id, "stripe-gateway")).toBe("available");
  });

  it("refuses to install a plugin twice", async () => {
    const { api } = await givenTenant();
    await api("POST", "/api/admin/plugins/core-utils/install");
    const res = await api<ErrorResponse>("POST", "/api/admin/plugins/core-utils/install");
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: "ILLEGAL_TRANSITION",
      message: expect.stringContaining("already installed"),
    });
  });

  it("reports a dependency that no available version satisfies, with the chain", async () => {
    const needsNewCore = await givenPlugin("needs-core-2", (b) => b.dependency("core-utils", "^2.0.0"));
    const { api } = await givenTenant();
    const res = await api<ErrorResponse>("POST", `/api/admin/plugins/${needsNewCore.slug}/install`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("DEPENDENCY_MISSING");
    expect(res.body.error.message).toContain("core-utils");
    expect(res.body.error.message).toContain(needsNewCore.slug);
  });

  it("reports two dependents that need incompatible versions as a conflict", async () => {
    const old = await givenPlugin("old-api", (b) => b.version("1.0.0"));
    await givenPlugin("x", (b) => b); // unrelated noise in the catalogue
    const left = await givenPlugin("left", (b) => b.dependency(old.slug, "^1.0.0"));
    await env.DB.prepare("INSERT INTO plugin_versions (slug, version, manifest) VALUES (?, '2.0.0', ?)")
      .bind(old.slug, JSON.stringify({ ...old, version: "2.0.0" }))
      .run();
    const right = await givenPlugin("right", (b) => b.dependency(old.slug, "^2.0.0"));
    const both = await givenPlugin("both", (b) => b.dependency(left.slug, "*").dependency(right.slug, "*"));
    const { api } = await givenTenant();
    const res = await api<ErrorResponse>("POST", `/api/admin/plugins/${both.slug}/install`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("DEPENDENCY_CONFLICT");
    expect(res.body.error.message).toContain(old.slug);
  });

  it("validates the initial configuration and installs nothing when it is wrong", async () => {
    const { tenant, api } = await givenTenant();
    const res = await api<ErrorResponse>("POST", "/api/admin/plugins/stripe-gateway/install", {
      config: { capture: "sometimes" },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("INVALID_CONFIGURATION");
    expect(res.body.error.message).toContain("config.capture");
    expect(await stateOf(tenant.id, "core-utils")).toBe("available");
  });
});

describe("activate", () => {
  it("needs the dependencies active, naming them, unless cascade is asked", async () => {
    const { tenant, api } = await givenTenant();
    await api("POST", "/api/admin/plugins/stripe-gateway/install", {
      config: { secret_key: "sk_test_123", webhook_secret: "whsec_test_123" },
    });
    const refused = await api<ErrorResponse>("POST", "/api/admin/plugins/stripe-gateway/activate");
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: "DEPENDENCY_INACTIVE", details: { inactive: ["core-utils"] } });
    expect(await stateOf(tenant.id, "stripe-gateway")).toBe("installed");

    const res = await api<Transition>("POST", "/api/admin/plugins/stripe-gateway/activate?cascade=true");
    expect(res.status).toBe(200);
    expect(res.body.changed).toEqual(["core-utils", "stripe-gateway"]);
    expect(res.body.plugin?.state).toBe("active");
    const events = await ledgerDb(env, tenant.id)
      .prepare("SELECT plugin_slug FROM outbox WHERE tenant_id = ? AND hook = 'plugin_activated' ORDER BY created_at")
      .bind(tenant.id)
      .all<{ plugin_slug: string }>();
    expect(events.results.map((e) => e.plugin_slug).sort()).toEqual(["core-utils", "stripe-gateway"]);
  });

  it("refuses a plugin whose required settings are missing, naming them", async () => {
    const { tenant, api } = await givenTenant();
    await api("POST", "/api/admin/plugins/stripe-gateway/install");
    await api("POST", "/api/admin/plugins/core-utils/activate");
    const res = await api<ErrorResponse>("POST", "/api/admin/plugins/stripe-gateway/activate");
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("INVALID_CONFIGURATION");
    expect(res.body.error.message).toContain("config.secret_key");
    expect(res.body.error.message).toContain("config.webhook_secret");
    expect(await stateOf(tenant.id, "stripe-gateway")).toBe("installed");
  });

  it.each([
    ["not installed", async () => {}, "not installed"],
    [
      "already active",
      async (api: Awaited<ReturnType<typeof givenTenant>>["api"]) => {
        await api("POST", "/api/admin/plugins/core-utils/install");
        await api("POST", "/api/admin/plugins/core-utils/activate");
      },
      "already active",
    ],
  ])("is an illegal transition when the plugin is %s", async (_, arrange, reason) => {
    const { api } = await givenTenant();
    await arrange(api);
    const res = await api<ErrorResponse>("POST", "/api/admin/plugins/core-utils/activate");
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("ILLEGAL_TRANSITION");
    expect(res.body.error.message).toContain(reason);
  });
});

describe("deactivate", () => {
  async function activeStripe() {
    const given = await givenTenant();
    await given.api("POST", "/api/admin/plugins/stripe-gateway/install", {
      config: { secret_key: "sk_test_123", webhook_secret: "whsec_test_123" },
    });
    await given.api("POST", "/api/admin/plugins/stripe-gateway/activate?cascade=true");
    return given;
  }

  it("refuses to deactivate core-utils while stripe-gateway is active, saying why", async () => {
    const { tenant, api } = await activeStripe();
    const res = await api<ErrorResponse>("POST", "/api/admin/plugins/core-utils/deactivate");
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("DEPENDENTS_ACTIVE");
    expect(res.body.error.message).toBe(
      "Cannot deactivate core-utils: stripe-gateway depends on it and is active. Deactivate it first or pass cascade=true.",
    );
    expect(await stateOf(tenant.id, "core-utils")).toBe("active");
  });

  it("deactivates the dependents too when cascade is asked", async () => {
    const { tenant, api } = await activeStripe();
    const res = await api<Transition>("POST", "/api/admin/plugins/core-utils/deactivate?cascade=true");
    expect(res.status).toBe(200);
    expect(res.body.changed).toEqual(["stripe-gateway", "core-utils"]);
    expect(await stateOf(tenant.id, "stripe-gateway")).toBe("inactive");
  });

  it("re-activates an inactive plugin", async () => {
    const { api } = await activeStripe();
    await api("POST", "/api/admin/plugins/stripe-gateway/deactivate");
    const res = await api<Transition>("POST", "/api/admin/plugins/stripe-gateway/activate");
    expect(res.status).toBe(200);
    expect(res.body.plugin?.state).toBe("active");
  });

  it("is an illegal transition for a plugin that is not active", async () => {
    const { api } = await givenTenant();
    await api("POST", "/api/admin/plugins/core-utils/install");
    const res = await api<ErrorResponse>("POST", "/api/admin/plugins/core-utils/deactivate");
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("ILLEGAL_TRANSITION");
  });

  it("rejects a cascade flag that is not true or false, naming the parameter", async () => {
    const { api } = await activeStripe();
    const res = await api<ErrorResponse>("POST", "/api/admin/plugins/core-utils/deactivate?cascade=yes");
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.message).toContain("query.cascade");
  });
});

describe("uninstall", () => {
  it("refuses an active plugin, then removes it once deactivated", async () => {
    const { tenant, api } = await givenTenant();
    await api("POST", "/api/admin/plugins/core-utils/install");
    await api("POST", "/api/admin/plugins/core-utils/activate");
    const refused = await api<ErrorResponse>("DELETE", "/api/admin/plugins/core-utils");
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: "ILLEGAL_TRANSITION",
      message: expect.stringContaining("deactivate it"),
    });
    await api("POST", "/api/admin/plugins/core-utils/deactivate");
    const res = await api<Transition>("DELETE", "/api/admin/plugins/core-utils");
    expect(res.status).toBe(200);
    expect(res.body.changed).toEqual(["core-utils"]);
    expect(await stateOf(tenant.id, "core-utils")).toBe("available");
  });

  it("refuses while a dependent is installed, and takes the dependents along with cascade", async () => {
    const { tenant, api } = await givenTenant();
    await api("POST", "/api/admin/plugins/stripe-gateway/install");
    const refused = await api<ErrorResponse>("DELETE", "/api/admin/plugins/core-utils");
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: "DEPENDENTS_INSTALLED",
      details: { dependents: ["stripe-gateway"] },
    });
    const res = await api<Transition>("DELETE", "/api/admin/plugins/core-utils?cascade=true");
    expect(res.status).toBe(200);
    expect(res.body.changed).toEqual(["stripe-gateway", "core-utils"]);
    expect(await stateOf(tenant.id, "stripe-gateway")).toBe("available");
  });

  it("is an illegal transition for a plugin that is not installed", async () => {
    const { api } = await givenTenant();
    const res = await api<ErrorResponse>("DELETE", "/api/admin/plugins/core-utils");
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("ILLEGAL_TRANSITION");
  });
});
