/**
 * The SDK's test context (`@digital-commerce/plugin-sdk/testing`) keeps the platform's rules. Its
 * tests live with the CLI's because they need Node: the SDK's own suite runs in workerd, which has
 * no node:sqlite.
 */
import { createPlugin, type PluginManifest } from "@digital-commerce/plugin-sdk";
import { createTestContext } from "@digital-commerce/plugin-sdk/testing";
import { describe, expect, it } from "vitest";

const everything = createPlugin("Probe", "probe-test")
  .version("1.0.0")
  .setting("api_key", { type: "string", label: "API key", sensitive: true })
  .setting("mode", { type: "string", label: "Mode", default: "fast" })
  .permission({
    network: ["api.example.com", "*.cdn.example.com", "localhost:8080"],
    capabilities: ["db", "cache", "storage", "http", "events", "logger"],
  })
  .migration("0001_notes", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE, done INTEGER)")
  .migration("0002_tags", "CREATE TABLE tags (name TEXT PRIMARY KEY); CREATE INDEX notes_by_done ON notes(done)")
  .build();

const given = (options: Partial<Parameters<typeof createTestContext>[0]> = {}) =>
  createTestContext({ manifest: everything, ...options });

describe("createTestContext", () => {
  it("holds only the capabilities the manifest declares, as the platform's context does", () => {
    const bare: PluginManifest = createPlugin("Bare", "bare-test").build();
    const { context } = createTestContext({ manifest: bare });
    for (const capability of ["db", "cache", "storage", "http", "events", "logger"]) {
      expect(capability in context).toBe(false);
    }
    expect(Object.keys(given().context)).toEqual(
      expect.arrayContaining(["tenant", "plugin", "db", "cache", "storage", "http", "events", "logger"]),
    );
  });

  it("fills in the settings' defaults and refuses a setting the manifest does not have", () => {
    const { context } = given({ config: { api_key: "sk_test_1" }, tenant: { slug: "demo" } });
    expect(context.plugin).toMatchObject({ slug: "probe-test", id: "probe-test@1.0.0" });
    expect(context.plugin.config).toEqual({ mode: "fast", api_key: "sk_test_1" });
    expect(context.tenant).toMatchObject({ slug: "demo", settings: {} });
    expect(() => given({ config: { colour: "red" } })).toThrow("config.colour: not a setting of probe-test");
  });

  it("applies the migrations in order; rows come back as plain objects, booleans as 0 and 1", async () => {
    const { context } = given();
    await context.db.query("INSERT INTO notes (body, done) VALUES (?, ?)", ["buy milk", true]);
    expect(await context.db.one("SELECT body, done FROM notes")).toEqual({ body: "buy milk", done: 1 });
    expect(await context.db.query("SELECT name FROM sqlite_master WHERE name = 'notes_by_done'")).toHaveLength(1);
    expect(await context.db.one("SELECT * FROM notes WHERE body = ?", ["nothing"])).toBeNull();
    await expect(context.db.query("SELECT ?", [{ an: "object" }])).rejects.toThrow("params may hold only");
  });

  it("runs a transaction's statements together: all of them or none", async () => {
    const { context } = given();
    await context.db.query("INSERT INTO notes (body) VALUES ('first')");
    await expect(
      context.db.transaction(async (tx) => {
        tx.query("INSERT INTO notes (body) VALUES ('second')");
        tx.query("INSERT INTO notes (body) VALUES ('first')");
      }),
    ).rejects.toThrow(/UNIQUE/);
    expect(await context.db.query("SELECT body FROM notes")).toEqual([{ body: "first" }]);
    await expect(
      context.db.transaction(async (tx) => {
        await tx.query("SELECT 1");
      }),
    ).rejects.toThrow("collect their promises and await them after the transaction");
  });

  it("caches JSON for at least 60 seconds under keys inside the plugin's namespace", async () => {
    const { context } = given();
    await context.cache.set("rates/usd", { eur: 0.92, at: new Date("2026-01-01T00:00:00Z") }, 300);
    expect(await context.cache.get("rates/usd")).toEqual({ eur: 0.92, at: "2026-01-01T00:00:00.000Z" });
    expect(await context.cache.get("rates/gbp")).toBeNull();
    await expect(context.cache.set("rates/usd", 1, 30)).rejects.toThrow("at least 60");
    await expect(context.cache.get("../other-plugin/key")).rejects.toThrow('has a "." or ".." segment');
    await expect(context.cache.get("/absolute")).rejects.toThrow("is absolute");
  });

  it("stores objects as copies, and refuses a missing one", async () => {
    const { context } = given();
    const data = new TextEncoder().encode("receipt").buffer;
    expect(await context.storage.upload("receipts/r-1.txt", data, { "content-type": "text/plain" })).toBe(
      "receipts/r-1.txt",
    );
    new Uint8Array(data).fill(0);
    expect(new TextDecoder().decode(await context.storage.download("receipts/r-1.txt"))).toBe("receipt");
    await context.storage.delete("receipts/r-1.txt");
    await expect(context.storage.download("receipts/r-1.txt")).rejects.toThrow(
      'NOT_FOUND: no object "receipts/r-1.txt"',
    );
  });

  it("reaches only the hosts the manifest lists; others get the platform's 403 EGRESS_DENIED", async () => {
    const reached: string[] = [];
    const t = given({
      fetch: async (request) => {
        reached.push(`${request.method} ${request.url} ${await request.text()}`);
        return Response.json({ ok: true });
      },
    });
    expect((await t.context.http.post("https://api.example.com/v1/charges", { amount: 5 })).status).toBe(200);
    expect((await t.context.http.get("https://img.cdn.example.com/a.png")).status).toBe(200);
    expect((await t.context.http.get("http://localhost:8080/health")).status).toBe(200);
    const denied = await t.context.http.get("https://evil.example.org/steal");
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({
      error: {
        code: "EGRESS_DENIED",
        message:
          "EGRESS_DENIED: probe-test may not reach evil.example.org; its manifest's permissions.network lists api.example.com, *.cdn.example.com, localhost:8080.",
      },
    });
    expect((await t.context.http.get("http://localhost:9999/")).status).toBe(403);
    expect(reached).toEqual([
      'POST https://api.example.com/v1/charges {"amount":5}',
      "GET https://img.cdn.example.com/a.png ",
      "GET http://localhost:8080/health ",
    ]);
    expect(t.requests.map((r) => r.allowed)).toEqual([true, true, true, false, false]);
  });

  it("delivers emitted events to the plugin's own listeners, and records emitted and tracked events", async () => {
    const t = given();
    const heard: unknown[] = [];
    t.context.events.on("note.added", async (data) => {
      heard.push(data);
    });
    await t.context.events.emit("note.added", { id: 1 });
    await t.context.events.track("note_added", { count: 1 });
    expect(heard).toEqual([{ id: 1 }]);
    expect(t.emitted).toEqual([{ event: "note.added", data: { id: 1 } }]);
    expect(t.tracked).toEqual([{ event: "note_added", properties: { count: 1 } }]);
    await expect(t.context.events.emit("no spaces allowed", {})).rejects.toThrow("an event name is");
  });

  it("records log lines with the sensitive settings' values redacted, as the platform does", () => {
    const t = given({ config: { api_key: "sk_live_secret" } });
    t.context.logger.info("calling with sk_live_secret", { key: "sk_live_secret", mode: "fast" });
    t.context.logger.error("failed", new Error("bad key sk_live_secret"));
    expect(t.logs).toEqual([
      { level: "info", message: "calling with [redacted]", meta: { key: "[redacted]", mode: "fast" } },
      { level: "error", message: "failed", error: { name: "Error", message: "bad key [redacted]" } },
    ]);
  });

  it("makes the call a queued delivery, its key the call's idempotency key", () => {
    const delivery = { id: "dl_1", event_id: "ev_1", attempt: 2, idempotency_key: "key-1" };
    const { context } = given({ delivery });
    expect(context.delivery).toEqual(delivery);
    expect(context.idempotency_key).toBe("key-1");
    expect(given({ idempotency_key: "refund-1" }).context.idempotency_key).toBe("refund-1");
    expect(given().context.delivery).toBeUndefined();
  });

  it("names a migration that fails", () => {
    const broken = createPlugin("Broken", "broken-test")
      .permission({ capabilities: ["db"] })
      .migration("0001_oops", "CREATE TABLE (")
      .build();
    expect(() => createTestContext({ manifest: broken })).toThrow(/migration 0001_oops failed/);
  });
});
