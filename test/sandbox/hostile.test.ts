/**
 * The hostile-plugin suite: a real plugin whose endpoints attack the sandbox,
 * installed beside well-behaved plugins in the real runtime. Each attack must be
 * contained and recorded against the plugin, and the platform must answer the
 * next request normally.
 */

import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { findTarget, invokePlugin } from "../../api/src/sandbox/index.ts";
import { type ErrorResponse, givenPublished, givenSandboxDeps, givenTenant } from "../helpers.ts";
import { SMTP_PEER } from "../peers/ports.ts";
import { messagesFrom } from "../peers/smtp/client.ts";

/** What the hostile plugin's /tcp endpoint read from a connection: everything until the close. */
interface TcpResult {
  opened?: boolean;
  read?: string;
  closed?: boolean;
  ms: number;
  error?: string;
}

beforeAll(async () => {
  await givenPublished("probe");
  await givenPublished("hostile");
});

async function activate(
  api: Awaited<ReturnType<typeof givenTenant>>["api"],
  slug: string,
  config: Record<string, unknown> = {},
) {
  expect((await api("POST", `/api/admin/plugins/${slug}/install`, { config })).status).toBe(201);
  expect((await api("POST", `/api/admin/plugins/${slug}/activate`)).status).toBe(200);
}

/** Two tenants: A runs probe (with data and a secret) and hostile; B runs probe with its own data. */
async function givenVictimsAndAttacker() {
  const a = await givenTenant();
  const b = await givenTenant();
  await activate(a.api, "probe", { secret_token: "tok_tenant_a_probe" });
  await activate(a.api, "hostile", { own_secret: "hostile_own_secret" });
  await activate(b.api, "probe", { secret_token: "tok_tenant_b_probe" });
  await a.api("POST", "/api/plugins/probe/db", { sql: "INSERT INTO notes (body) VALUES ('tenant A private note')" });
  await b.api("POST", "/api/plugins/probe/db", { sql: "INSERT INTO notes (body) VALUES ('tenant B private note')" });
  await a.api("POST", "/api/plugins/probe/cache", { op: "set", key: "greeting", value: "tenant A cache", ttl: 120 });
  await a.api("POST", "/api/plugins/probe/storage", { op: "upload", key: "private.txt", text: "tenant A file" });
  return { a, b };
}

async function securityEvents(tenantId: string, kind: string) {
  const { results } = await ledgerDb(env, tenantId)
    .prepare("SELECT detail FROM plugin_security_events WHERE tenant_id = ? AND slug = 'hostile' AND kind = ?")
    .bind(tenantId, kind)
    .all<{ detail: string }>();
  return results.map((r) => r.detail);
}

/** After every attack: the platform, and the well-behaved plugin, answer normally. */
async function platformStillServes(api: Awaited<ReturnType<typeof givenTenant>>["api"]) {
  expect((await SELF.fetch("http://commerce.test/healthz")).status).toBe(200);
  expect((await api("GET", "/api/admin/plugins/installed")).status).toBe(200);
  const probe = await api<unknown[]>("POST", "/api/plugins/probe/db", { sql: "SELECT COUNT(*) AS n FROM notes" });
  expect(probe.status).toBe(200);
}

describe("a hostile plugin", () => {
  it("cannot read another tenant's or another plugin's rows with crafted SQL", async () => {
    const { a } = await givenVictimsAndAttacker();
    const res = await a.api<Record<string, { rows?: unknown[]; error?: string }>>("POST", "/api/plugins/hostile/sql", {
      statements: [
        "SELECT * FROM notes",
        "SELECT * FROM installations",
        "SELECT * FROM tenants",
        "ATTACH DATABASE 'commerce.sqlite' AS platform",
        "SELECT name FROM sqlite_master",
        "PRAGMA database_list",
      ],
    });
    expect(res.status).toBe(200);
    const r = res.body;
    expect(r["SELECT * FROM notes"]?.error).toMatch(/no such table: notes/);
    expect(r["SELECT * FROM installations"]?.error).toMatch(/no such table/);
    expect(r["SELECT * FROM tenants"]?.error).toMatch(/no such table/);
    expect(r["ATTACH DATABASE 'commerce.sqlite' AS platform"]?.error).toMatch(/not authorized/);
    expect(JSON.stringify(r["SELECT name FROM sqlite_master"]?.rows)).not.toMatch(/notes|installations|tenants/);
    expect(JSON.stringify(r)).not.toContain("private note");
    await platformStillServes(a.api);
  });

  it("keeps its own rows per tenant: tenant B's copy of a plugin never sees tenant A's", async () => {
    const a = await givenTenant();
    const b = await givenTenant();
    await activate(a.api, "hostile");
    await activate(b.api, "hostile");
    await a.api("POST", "/api/plugins/hostile/sql", { statements: ["INSERT INTO loot (what) VALUES ('A only')"] });
    const res = await b.api<Record<string, { rows?: unknown[] }>>("POST", "/api/plugins/hostile/sql", {
      statements: ["SELECT * FROM loot"],
    });
    expect(res.body["SELECT * FROM loot"]?.rows).toEqual([]);
  });

  it("cannot escape the cache namespace, and each attempt is recorded", async () => {
    const { a } = await givenVictimsAndAttacker();
    const keys = [
      "../probe/greeting",
      `../../${a.tenant.id}/probe/greeting`,
      "/plugin-cache/x",
      "a\u0000b",
      "greeting",
    ];
    const res = await a.api<Record<string, { value?: unknown; error?: string }>>(
      "POST",
      "/api/plugins/hostile/cache-escape",
      { keys },
    );
    for (const key of keys.slice(0, 4)) expect(res.body[key]?.error).toMatch(/^INVALID_KEY/);
    expect(res.body.greeting).toEqual({ value: null }); // its own namespace: probe's "greeting" is not there
    expect(await securityEvents(a.tenant.id, "invalid_key")).toHaveLength(4);
    await platformStillServes(a.api);
  });

  it("cannot escape the storage namespace, and each attempt is recorded", async () => {
    const { a } = await givenVictimsAndAttacker();
    const keys = ["../probe/private.txt", "/plugin-storage/x", "a/../../b", "sub\\..\\x"];
    const res = await a.api<Record<string, { text?: string; error?: string }>>(
      "POST",
      "/api/plugins/hostile/storage-escape",
      { keys },
    );
    for (const key of keys) {
      expect(res.body[key]?.error).toMatch(/^INVALID_KEY/);
      expect(res.body[`${key} (upload)`]?.error).toMatch(/^INVALID_KEY/);
    }
    expect(JSON.stringify(res.body)).not.toContain("tenant A file");
    expect((await securityEvents(a.tenant.id, "invalid_key")).length).toBeGreaterThanOrEqual(8);
    await platformStillServes(a.api);
  });

  it("cannot fetch a host its manifest does not list, even with a plain fetch()", async () => {
    const { a } = await givenVictimsAndAttacker();
    const res = await a.api<{ status?: number; body?: string }>("POST", "/api/plugins/hostile/fetch", {
      url: "http://127.0.0.1:8792/exfiltrate",
    });
    expect(res.body.status).toBe(403);
    expect(res.body.body).toContain("EGRESS_DENIED");
    expect(await securityEvents(a.tenant.id, "egress_denied")).toEqual(["GET http://127.0.0.1:8792/exfiltrate"]);
    await platformStillServes(a.api);
  });

  it.each([
    ["a destination no grant lists", "127.0.0.1:8793"],
    ["port 25", "127.0.0.1:25"],
    ["a listed host on another port", `127.0.0.1:${SMTP_PEER.starttls}`],
  ])("cannot open a TCP connection to %s: it reads a 421 at once, and the attempt is recorded", async (_, address) => {
    const { a } = await givenVictimsAndAttacker();
    const res = await a.api<TcpResult>("POST", "/api/plugins/hostile/tcp", { address, lines: ["EHLO hostile.test"] });
    expect(res.body.read).toMatch(new RegExp(`^421 4\\.7\\.0 SOCKET_DENIED: hostile may not connect to ${address}`));
    expect(res.body.closed).toBe(true);
    expect(res.body.ms).toBeLessThan(1_000);
    expect(await securityEvents(a.tenant.id, "egress_denied")).toEqual([`connect ${address}`]);
    await platformStillServes(a.api);
  });

  it("cannot send plaintext to a destination granted as TLS: the server still sees TLS", async () => {
    const { a } = await givenVictimsAndAttacker();
    const from = `${crypto.randomUUID()}@hostile.test`;
    const res = await a.api<TcpResult>("POST", "/api/plugins/hostile/tcp", {
      address: `127.0.0.1:${SMTP_PEER.tls}`,
      secureTransport: "off",
      lines: [
        "EHLO hostile.test",
        `MAIL FROM:<${from}>`,
        "RCPT TO:<x@victim.test>",
        "DATA",
        "Subject: plain\r\n\r\nx\r\n.",
        "QUIT",
      ],
    });
    expect(res.body.read).toMatch(/^220 /);
    const [message] = await messagesFrom(SMTP_PEER.control, from);
    expect(message).toMatchObject({ server: "tls", secure: true });
    await platformStillServes(a.api);
  });

  it("cannot negotiate TLS of its own through the platform, and the platform keeps serving", async () => {
    const { a } = await givenVictimsAndAttacker();
    const res = await a.api<TcpResult>("POST", "/api/plugins/hostile/tcp", {
      address: `127.0.0.1:${SMTP_PEER.tls}`,
      secureTransport: "on",
    });
    expect(res.status).toBe(200);
    expect(res.body.read ?? "").not.toMatch(/^220 /);
    await platformStillServes(a.api);
  });

  it("sees a server that hangs up mid-conversation close at once, and the platform keeps serving", async () => {
    const { a } = await givenVictimsAndAttacker();
    const res = await a.api<TcpResult>("POST", "/api/plugins/hostile/tcp", {
      address: `127.0.0.1:${SMTP_PEER.hangUp}`,
      lines: ["EHLO hostile.test", "MAIL FROM:<a@hostile.test>", "RCPT TO:<b@victim.test>"],
    });
    expect(res.body.read).toMatch(/^220 hang-up\.test ESMTP\r\n250 hang-up\.test\r\n$/);
    expect(res.body.closed).toBe(true);
    expect(res.body.ms).toBeLessThan(2_000);
    await platformStillServes(a.api);
    const again = await a.api<TcpResult>("POST", "/api/plugins/hostile/tcp", {
      address: `127.0.0.1:${SMTP_PEER.plain}`,
      lines: ["QUIT"],
    });
    expect(again.body.read).toMatch(/^220 [\s\S]*221 /);
  });

  it("finds no platform binding, secret or other plugin's configuration", async () => {
    const { a } = await givenVictimsAndAttacker();
    const res = await a.api<{
      bindings: string[];
      globals: string[];
      processEnv: string[];
      installations: unknown;
      config: unknown;
    }>("GET", "/api/plugins/hostile/env");
    // its granted cache, db, logger and storage come with each call (loader.ts), not in the isolate's env
    expect(res.body.bindings).toEqual(["HTTP"]);
    expect(res.body.globals).toEqual([]);
    // process.env mirrors the isolate's plain-value bindings: only the platform's "http granted" flag
    expect(res.body.processEnv).toEqual(["HTTP"]);
    expect(String(res.body.installations)).toMatch(/no such table/);
    expect(res.body.config).toEqual({ own_secret: "hostile_own_secret" });
    expect(JSON.stringify(res.body)).not.toMatch(/tok_tenant_|CONFIG_ENCRYPTION_KEY|BUNDLES|LOADER/);
    await platformStillServes(a.api);
  });
});

describe("a hostile plugin that never finishes", () => {
  it.each([
    ["a promise that never settles", "/hang"],
    ["an infinite loop", "/loop"],
  ])(
    "is stopped when %s runs past its timeout, the timeout is recorded, and the platform keeps serving",
    async (_, path) => {
      const { a } = await givenVictimsAndAttacker();
      const res = await a.api<ErrorResponse>("POST", `/api/plugins/hostile${path}`, {});
      expect(res.status).toBe(504);
      expect(res.body.error.code).toBe("PLUGIN_TIMEOUT");
      const health = await a.api<{ calls: { timeouts: number } }>("GET", "/api/admin/plugins/hostile/health");
      expect(health.body.calls.timeouts).toBe(1);
      await platformStillServes(a.api);
    },
  );

  it("is contained when it allocates about 500 MB", async () => {
    const { a } = await givenVictimsAndAttacker();
    const res = await a.api<ErrorResponse | { held: number }>("POST", "/api/plugins/hostile/memory", {});
    // production stops it at 128 MB; whatever the local runtime does, the platform answers and keeps serving
    expect([200, 502, 504]).toContain(res.status);
    await platformStillServes(a.api);
  });
});

describe("a hostile hook", () => {
  it("that never resolves is stopped, recorded, and the platform keeps serving", async () => {
    const { a } = await givenVictimsAndAttacker();
    const target = await findTarget(env, a.tenant.id, "hostile");
    if (!target) throw new Error("hostile is not installed");
    const deps = givenSandboxDeps();
    const hook = target.manifest.hooks[0];
    const payload = { product: { title: "Mug", price: 1, currency: "USD", metadata: {} } };
    await expect(
      invokePlugin(deps, target, {
        kind: "hook",
        name: "before_product_create",
        timeoutMs: 500,
        run: (worker, invocation) => worker.runHook(hook?.handler ?? "", payload, invocation),
      }),
    ).rejects.toMatchObject({ code: "PLUGIN_TIMEOUT" });
    await deps.settle();
    const health = await a.api<{ calls: { timeouts: number; last_error: { kind: string; name: string } } }>(
      "GET",
      "/api/admin/plugins/hostile/health",
    );
    expect(health.body.calls).toMatchObject({
      timeouts: 1,
      last_error: { kind: "hook", name: "before_product_create" },
    });
    await platformStillServes(a.api);
  });
});
