import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { type ErrorResponse, givenPublished, givenTenant } from "../helpers.ts";

beforeAll(async () => {
  await givenPublished("probe");
  await givenPublished("refuses-activation");
});

describe("lifecycle callbacks", () => {
  it("stop a transition whose callback throws: nothing changes and plugin_error is reported", async () => {
    const { tenant, api } = await givenTenant();
    await api("POST", "/api/admin/plugins/refuses-activation/install");
    const res = await api<ErrorResponse>("POST", "/api/admin/plugins/refuses-activation/activate");
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("LIFECYCLE_CALLBACK_FAILED");
    expect(res.body.error.message).toContain("the upstream account is not verified yet");
    const installed = await api<{ plugins: { slug: string; state: string }[] }>("GET", "/api/admin/plugins/installed");
    expect(installed.body.plugins).toEqual([
      expect.objectContaining({ slug: "refuses-activation", state: "installed" }),
    ]);
    const error = await ledgerDb(env, tenant.id)
      .prepare("SELECT payload FROM outbox WHERE tenant_id = ? AND hook = 'plugin_error'")
      .bind(tenant.id)
      .first<{ payload: string }>();
    expect(JSON.parse(error?.payload ?? "{}")).toMatchObject({
      plugin: { slug: "refuses-activation" },
      error: { message: expect.stringContaining("onActivate") },
    });
    const health = await api<{ last_error: { message: string } | null; calls: { errors: number } }>(
      "GET",
      "/api/admin/plugins/refuses-activation/health",
    );
    expect(health.body.last_error?.message).toContain("not verified");
    expect(health.body.calls.errors).toBe(1);
  });

  it("remove the plugin's data with its uninstall", async () => {
    const { tenant, api } = await givenTenant();
    await api("POST", "/api/admin/plugins/probe/install");
    await api("POST", "/api/admin/plugins/probe/activate");
    await api("POST", "/api/plugins/probe/storage", { op: "upload", key: "keep.txt", text: "x" });
    await api("POST", "/api/admin/plugins/probe/deactivate");
    expect((await api("DELETE", "/api/admin/plugins/probe")).status).toBe(200);
    expect(await env.PLUGIN_STORAGE.head(`plugin-storage/${tenant.id}/probe/keep.txt`)).toBeNull();
    // a reinstall starts from an empty database: onInstall's note is the only row
    await api("POST", "/api/admin/plugins/probe/install");
    await api("POST", "/api/admin/plugins/probe/activate");
    const notes = await api<{ body: string }[]>("POST", "/api/plugins/probe/db", { sql: "SELECT body FROM notes" });
    expect(notes.body.map((n) => n.body)).toEqual([`installed for ${tenant.slug}`, "activated"]);
  });

  it("report health with call accounting: calls, latency percentiles", async () => {
    const { api } = await givenTenant();
    await api("POST", "/api/admin/plugins/probe/install");
    await api("POST", "/api/admin/plugins/probe/activate");
    for (let i = 0; i < 3; i++) await api("GET", "/api/plugins/probe/context");
    const health = await api<{
      status: string;
      calls: { calls: number; p50_ms: number | null; p95_ms: number | null };
    }>("GET", "/api/admin/plugins/probe/health");
    expect(health.body.status).toBe("healthy");
    expect(health.body.calls.calls).toBe(5); // onInstall, onActivate and three endpoint calls
    expect(health.body.calls.p50_ms).toBeGreaterThan(0);
    expect(health.body.calls.p95_ms).toBeGreaterThanOrEqual(health.body.calls.p50_ms ?? 0);
  });
});
