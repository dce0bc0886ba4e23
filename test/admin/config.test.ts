import { createExecutionContext, env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../../api/src/app.ts";
import { revealConfig } from "../../api/src/config/index.ts";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { getPluginVersion } from "../../api/src/registry/index.ts";
import { type ErrorResponse, givenReferencePlugins, givenTenant } from "../helpers.ts";

type ConfigView = { config: Record<string, unknown>; sensitive: string[]; missing_required: string[] };

beforeAll(async () => {
  await givenReferencePlugins();
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function storedConfig(tenantId: string, slug: string): Promise<Record<string, unknown>> {
  const row = await ledgerDb(env, tenantId)
    .prepare("SELECT config FROM installations WHERE tenant_id = ? AND slug = ?")
    .bind(tenantId, slug)
    .first<{ config: string }>();
  return JSON.parse(row?.config ?? "{}");
}

async function stripeInstalled() {
  const given = await givenTenant();
  await given.api("POST", "/api/admin/plugins/stripe-gateway/install");
  return given;
}

describe("plugin configuration", () => {
  it("shows defaults and names the required settings still missing", async () => {
    const { api } = await stripeInstalled();
    const res = await api<ConfigView>("GET", "/api/admin/plugins/stripe-gateway/config");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      config: { capture: "automatic", api_base: "https://api.stripe.com" },
      sensitive: ["secret_key", "webhook_secret"],
      missing_required: ["secret_key", "webhook_secret"],
    });
  });

  it("stores a sensitive value encrypted and only ever answers it masked", async () => {
    const { tenant, api } = await stripeInstalled();
    const put = await api<ConfigView>("PUT", "/api/admin/plugins/stripe-gateway/config", {
      secret_key: "sk_live_secret",
      webhook_secret: "whsec_live_secret",
      capture: "manual",
    });
    expect(put.status).toBe(200);
    expect(put.body.config).toEqual({
      secret_key: "********",
      webhook_secret: "********",
      capture: "manual",
      api_base: "https://api.stripe.com",
    });

    const get = await api<ConfigView>("GET", "/api/admin/plugins/stripe-gateway/config");
    expect(get.body.config.secret_key).toBe("********");
    expect(get.body.config.webhook_secret).toBe("********");
    expect(JSON.stringify(get.body)).not.toContain("sk_live_secret");
    expect(JSON.stringify(get.body)).not.toContain("whsec_live_secret");

    const stored = await storedConfig(tenant.id, "stripe-gateway");
    expect(JSON.stringify(stored)).not.toContain("sk_live_secret");
    expect(JSON.stringify(stored)).not.toContain("whsec_live_secret");
    expect(String(stored.secret_key)).toMatch(/^enc:v1:/);
    expect(String(stored.webhook_secret)).toMatch(/^enc:v1:/);

    const { manifest } = await getPluginVersion(env.DB, "stripe-gateway", "2.0.0");
    const revealed = await revealConfig(manifest.settings_schema, stored, {
      secret: env.CONFIG_ENCRYPTION_KEY,
      tenantId: tenant.id,
      slug: "stripe-gateway",
    });
    expect(revealed).toEqual({
      secret_key: "sk_live_secret",
      webhook_secret: "whsec_live_secret",
      capture: "manual",
      api_base: "https://api.stripe.com",
    });
  });

  it("keeps the stored secret when the masked value is sent back", async () => {
    const { tenant, api } = await stripeInstalled();
    await api("PUT", "/api/admin/plugins/stripe-gateway/config", { secret_key: "sk_test_keep_me" });
    const before = await storedConfig(tenant.id, "stripe-gateway");
    await api("PUT", "/api/admin/plugins/stripe-gateway/config", { secret_key: "********", capture: "manual" });
    const after = await storedConfig(tenant.id, "stripe-gateway");
    expect(after.secret_key).toBe(before.secret_key);
    expect(after.capture).toBe("manual");
  });

  it("does not decrypt a ciphertext copied into another tenant's row", async () => {
    const a = await stripeInstalled();
    const b = await stripeInstalled();
    await a.api("PUT", "/api/admin/plugins/stripe-gateway/config", { secret_key: "sk_test_tenant_a" });
    const stolen = await storedConfig(a.tenant.id, "stripe-gateway");
    const { manifest } = await getPluginVersion(env.DB, "stripe-gateway", "2.0.0");
    await expect(
      revealConfig(manifest.settings_schema, stolen, {
        secret: env.CONFIG_ENCRYPTION_KEY,
        tenantId: b.tenant.id,
        slug: "stripe-gateway",
      }),
    ).rejects.toThrow();
  });

  it("never writes a sensitive value to the log", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    const { tokens } = await stripeInstalled();
    const app = createApp();
    const verbose = { ...env, LOG_LEVEL: "debug" };
    for (const body of [
      { secret_key: "sk_live_never_logged" },
      { secret_key: "sk_live_never_logged", colour: "blue" },
    ]) {
      await app.request(
        "/api/admin/plugins/stripe-gateway/config",
        {
          method: "PUT",
          headers: { authorization: `Bearer ${tokens.admin}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        },
        verbose,
        createExecutionContext(),
      );
    }
    expect(lines.some((l) => l.includes("plugin configuration updated"))).toBe(true);
    expect(lines.join("\n")).not.toContain("sk_live_never_logged");
  });

  it.each([
    ["a value of the wrong type", { secret_key: 42 }, "config.secret_key"],
    ["a value outside the enum", { secret_key: "sk_test_123", capture: "sometimes" }, "config.capture"],
    ["a key the settings schema does not declare", { secret_key: "sk_test_123", colour: "blue" }, "colour"],
  ])("refuses %s with 422, naming the field", async (_, body, field) => {
    const { api } = await stripeInstalled();
    const res = await api<ErrorResponse>("PUT", "/api/admin/plugins/stripe-gateway/config", body);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("INVALID_CONFIGURATION");
    expect(res.body.error.message).toContain(field);
  });

  it("refuses malformed JSON with 400", async () => {
    const { api } = await stripeInstalled();
    const res = await api<ErrorResponse>("PUT", "/api/admin/plugins/stripe-gateway/config", '{"secret_key": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("MALFORMED_JSON");
  });

  it("refuses a body that is not an object, naming the body", async () => {
    const { api } = await stripeInstalled();
    const res = await api<ErrorResponse>("PUT", "/api/admin/plugins/stripe-gateway/config", [1, 2]);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
  });

  it("refuses to drop a required setting of an active plugin", async () => {
    const { api } = await stripeInstalled();
    await api("PUT", "/api/admin/plugins/stripe-gateway/config", {
      secret_key: "sk_test_123",
      webhook_secret: "whsec_test_123",
    });
    await api("POST", "/api/admin/plugins/stripe-gateway/activate?cascade=true");
    const res = await api<ErrorResponse>("PUT", "/api/admin/plugins/stripe-gateway/config", { capture: "manual" });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain("config.secret_key");
    expect(res.body.error.message).toContain("config.webhook_secret");
  });

  it("is refused for a plugin the tenant has not installed", async () => {
    const { api } = await givenTenant();
    const res = await api<ErrorResponse>("GET", "/api/admin/plugins/stripe-gateway/config");
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("ILLEGAL_TRANSITION");
  });
});
