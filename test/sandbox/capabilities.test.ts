import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { redactForPlugin } from "../../api/src/sandbox/index.ts";
import { type ErrorResponse, givenPublished, givenTenant } from "../helpers.ts";

beforeAll(async () => {
  await givenPublished("probe");
});

/** A tenant with the probe plugin installed, configured and active. */
async function givenProbe(config: Record<string, unknown> = { secret_token: "tok_super_secret_value" }) {
  const given = await givenTenant();
  const install = await given.api("POST", "/api/admin/plugins/probe/install", { config });
  expect(install.status).toBe(201);
  expect((await given.api("POST", "/api/admin/plugins/probe/activate")).status).toBe(200);
  return given;
}

describe("the plugin context", () => {
  it("carries the tenant, the plugin and its decrypted configuration, and every granted capability", async () => {
    const { tenant, api } = await givenProbe();
    const res = await api<{
      tenant: { id: string };
      plugin: { config: Record<string, unknown> };
      capabilities: string[];
    }>("GET", "/api/plugins/probe/context");
    expect(res.status).toBe(200);
    expect(res.body.tenant.id).toBe(tenant.id);
    expect(res.body.plugin.config).toEqual({ secret_token: "tok_super_secret_value", greeting: "hello" });
    expect(res.body.capabilities).toEqual(["db", "cache", "storage", "http", "events", "logger"]);
  });

  it("never hands the plugin the caller's token", async () => {
    const { api } = await givenProbe();
    const res = await api<{ authorization: string | null; path: string }>("GET", "/api/plugins/probe/context");
    expect(res.body.authorization).toBeNull();
    expect(res.body.path).toBe("/context");
  });

  it("ran onInstall after applying the plugin's migrations, and onActivate", async () => {
    const { tenant, api } = await givenProbe();
    const res = await api<{ body: string }[]>("POST", "/api/plugins/probe/db", {
      sql: "SELECT body FROM notes ORDER BY id",
    });
    expect(res.body.map((r) => r.body)).toEqual([`installed for ${tenant.slug}`, "activated"]);
  });
});

describe("db", () => {
  it("runs parameterised SQL against the plugin's own database", async () => {
    const { api } = await givenProbe();
    await api("POST", "/api/plugins/probe/db", { sql: "INSERT INTO notes (body) VALUES (?)", params: ["a note"] });
    const res = await api<{ body: string }[]>("POST", "/api/plugins/probe/db", {
      sql: "SELECT body FROM notes WHERE body = ?",
      params: ["a note"],
    });
    expect(res.body).toEqual([{ body: "a note" }]);
  });

  it("commits a transaction as a whole", async () => {
    const { api } = await givenProbe();
    const res = await api<{ n: number }[]>("POST", "/api/plugins/probe/db", {
      transaction: ["INSERT INTO notes (body) VALUES ('t1')", "INSERT INTO notes (body) VALUES ('t2')"],
    });
    expect(res.status).toBe(200);
    expect(res.body[0]?.n).toBe(4);
  });

  it("rolls a failed transaction back whole", async () => {
    const { api } = await givenProbe();
    const failed = await api<ErrorResponse>("POST", "/api/plugins/probe/db", {
      transaction: ["INSERT INTO notes (body) VALUES ('kept?')", "INSERT INTO no_such_table VALUES (1)"],
    });
    expect(failed.status).toBe(502);
    const res = await api<{ body: string }[]>("POST", "/api/plugins/probe/db", {
      sql: "SELECT body FROM notes WHERE body = 'kept?'",
    });
    expect(res.body).toEqual([]);
  });

  it("refuses, saying why, a statement awaited inside the transaction callback, and runs none of them", async () => {
    const { api } = await givenProbe();
    const failed = await api<ErrorResponse>("POST", "/api/plugins/probe/db", {
      transaction: ["INSERT INTO notes (body) VALUES ('awaited')"],
      awaitInside: true,
    });
    expect(failed.status).toBe(502);
    expect(failed.body.error.message).toContain("collect their promises and await them after the transaction");
    const res = await api<{ body: string }[]>("POST", "/api/plugins/probe/db", {
      sql: "SELECT body FROM notes WHERE body = 'awaited'",
    });
    expect(res.body).toEqual([]);
  });
});

describe("cache and storage", () => {
  it("keeps cache entries per tenant", async () => {
    const a = await givenProbe();
    const b = await givenProbe();
    await a.api("POST", "/api/plugins/probe/cache", {
      op: "set",
      key: "greeting",
      value: { text: "from a" },
      ttl: 120,
    });
    const own = await a.api<{ value: unknown }>("POST", "/api/plugins/probe/cache", { op: "get", key: "greeting" });
    const other = await b.api<{ value: unknown }>("POST", "/api/plugins/probe/cache", { op: "get", key: "greeting" });
    expect(own.body.value).toEqual({ text: "from a" });
    expect(other.body.value).toBeNull();
  });

  it("stores objects under the tenant's and plugin's prefix", async () => {
    const { tenant, api } = await givenProbe();
    const up = await api<{ key: string }>("POST", "/api/plugins/probe/storage", {
      op: "upload",
      key: "docs/readme.txt",
      text: "hi",
    });
    expect(up.body.key).toBe("docs/readme.txt");
    const down = await api<{ text: string }>("POST", "/api/plugins/probe/storage", {
      op: "download",
      key: "docs/readme.txt",
    });
    expect(down.body.text).toBe("hi");
    expect(await env.PLUGIN_STORAGE.head(`plugin-storage/${tenant.id}/probe/docs/readme.txt`)).not.toBeNull();
  });
});

describe("http", () => {
  it("reaches a host the manifest lists", async () => {
    const { api } = await givenProbe();
    const res = await api<{ status: number; body: string }>("POST", "/api/plugins/probe/http", {
      url: "http://127.0.0.1:8791/ping",
    });
    expect(res.body.status).toBe(200);
    expect(JSON.parse(res.body.body)).toMatchObject({ ok: true, path: "/ping" });
  });

  it("is refused, with a clear error, for a host the manifest does not list, and the attempt is recorded", async () => {
    const { tenant, api } = await givenProbe();
    const res = await api<{ status: number; body: string }>("POST", "/api/plugins/probe/http", {
      url: "http://127.0.0.1:8792/steal",
    });
    expect(res.body.status).toBe(403);
    expect(res.body.body).toContain("probe may not reach 127.0.0.1:8792");
    const recorded = await ledgerDb(env, tenant.id)
      .prepare("SELECT kind, detail FROM plugin_security_events WHERE tenant_id = ? AND slug = 'probe'")
      .bind(tenant.id)
      .all<{ kind: string; detail: string }>();
    expect(recorded.results).toContainEqual({ kind: "egress_denied", detail: "GET http://127.0.0.1:8792/steal" });
  });
});

describe("events and logger", () => {
  it("emits to the tenant's event stream and to the plugin's own listeners", async () => {
    const { tenant, api } = await givenProbe();
    const res = await api<{ heard: unknown[] }>("POST", "/api/plugins/probe/events", {
      event: "probe.pinged",
      data: { n: 1 },
    });
    expect(res.body.heard).toEqual([{ n: 1 }]);
    const row = await ledgerDb(env, tenant.id)
      .prepare("SELECT hook, plugin_slug FROM outbox WHERE tenant_id = ? AND hook LIKE 'event:%'")
      .bind(tenant.id)
      .first();
    expect(row).toEqual({ hook: "event:probe.pinged", plugin_slug: "probe" });
  });
});

describe("endpoints and webhooks", () => {
  it("serves a public endpoint to a caller that names the store", async () => {
    const { tenant } = await givenProbe();
    const res = await SELF.fetch("http://commerce.test/api/plugins/probe/public", {
      headers: { "x-tenant": tenant.slug },
    });
    expect(res.status).toBe(200);
  });

  it("refuses an auth_required endpoint without a token", async () => {
    const { tenant } = await givenProbe();
    const res = await SELF.fetch("http://commerce.test/api/plugins/probe/context", {
      headers: { "x-tenant": tenant.slug },
    });
    expect(res.status).toBe(401);
  });

  it("serves nothing while the plugin is not active for the tenant", async () => {
    const { api } = await givenTenant();
    await api("POST", "/api/admin/plugins/probe/install");
    const res = await api<ErrorResponse>("GET", "/api/plugins/probe/context");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("PLUGIN_NOT_ACTIVE");
  });

  it("answers an endpoint the manifest does not declare with 404, listing the ones it does", async () => {
    const { api } = await givenProbe();
    const res = await api<ErrorResponse>("GET", "/api/plugins/probe/nope");
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain("GET /context");
  });

  it("hands an endpoint its path parameters, decoded, as context.params", async () => {
    const { api } = await givenProbe();
    const res = await api("GET", "/api/plugins/probe/items/caf%C3%A9%2F1/notes/n-2");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ endpoint: "param", params: { id: "café/1", note: "n-2" } });
  });

  it("prefers a literal path to a parameter one, and matches no empty or undecodable segment", async () => {
    const { api } = await givenProbe();
    expect((await api("GET", "/api/plugins/probe/items/featured")).body).toEqual({ endpoint: "featured", params: {} });
    expect((await api("GET", "/api/plugins/probe/items/42")).body).toEqual({ endpoint: "param", params: { id: "42" } });
    expect((await api("GET", "/api/plugins/probe/items/")).status).toBe(404);
    expect((await api("GET", "/api/plugins/probe/items/%E0%A4%A")).status).toBe(404);
  });

  it("delivers an inbound webhook to the plugin's handler", async () => {
    const { tenant, api } = await givenProbe();
    const res = await SELF.fetch(`http://commerce.test/webhooks/${tenant.slug}/probe/incoming`, {
      method: "POST",
      body: "payload-1",
    });
    expect(res.status).toBe(202);
    const notes = await api<{ body: string }[]>("POST", "/api/plugins/probe/db", {
      sql: "SELECT body FROM notes WHERE body LIKE 'webhook:%'",
    });
    expect(notes.body).toEqual([{ body: "webhook: payload-1" }]);
  });
});

describe("the plugin logger", () => {
  it("replaces the plugin's sensitive setting values wherever they appear", async () => {
    const { tenant } = await givenProbe({ secret_token: "tok_do_not_log_me" });
    const line = await redactForPlugin(
      env,
      { tenantId: tenant.id, slug: "probe" },
      '{"message":"secret is tok_do_not_log_me"}',
    );
    expect(line).toBe('{"message":"secret is [redacted]"}');
  });
});
