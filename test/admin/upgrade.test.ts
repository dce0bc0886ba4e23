/**
 * Upgrades and rollbacks of one tenant's installation (POST /api/admin/plugins/:slug/upgrade and
 * /rollback), on the many versions of test/fixtures/versioned: the version chosen within the
 * dependents' ranges, the configuration and database migrated, every refusal leaving the old version
 * active with its data, calls and deliveries across the switch, and the way back.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type ErrorResponse, eventually, givenPublished, givenTenant } from "../helpers.ts";

const VERSIONS = ["1.0.0", "1.1.0", "1.2.0", "1.3.0", "1.4.0", "2.0.0"];

beforeAll(async () => {
  for (const v of VERSIONS) await givenPublished(`versioned-${v}`);
  await givenPublished("versioned-base-1.0.0");
  await givenPublished("versioned-base-2.0.0");
  await givenPublished("versioned-dependent");
});

type Step = {
  slug: string;
  from: string;
  to: string;
  reason: string;
  permissions: { added: { capabilities: string[] }; removed: { capabilities: string[] } };
  config: { key: string; change: string; from?: string }[];
  migrations: string[];
  changelog: string | null;
};
type Installed = { slug: string; version: string; state: string; permissions: { capabilities: string[] } };

/** A tenant with versioned@1.0.0 active (and versioned-base@1.0.0 with it), configured. */
async function givenVersioned() {
  const given = await givenTenant();
  const install = await given.api("POST", "/api/admin/plugins/versioned/install", {
    version: "1.0.0",
    config: { api_key: "sk_live_one", retries: "5", legacy_flag: true },
  });
  expect(install.status).toBe(201);
  expect((await given.api("POST", "/api/admin/plugins/versioned/activate?cascade=true")).status).toBe(200);
  const db = async <T = Record<string, unknown>>(sql: string) =>
    (await given.api<T[]>("POST", "/api/plugins/versioned/db", { sql })).body;
  const installed = async () =>
    Object.fromEntries(
      (await given.api<{ plugins: Installed[] }>("GET", "/api/admin/plugins/installed")).body.plugins.map((p) => [
        p.slug,
        p,
      ]),
    );
  const running = async () =>
    (await given.api<{ version: string; config: Record<string, unknown> }>("GET", "/api/plugins/versioned/version"))
      .body;
  const upgrade = (body: Record<string, unknown>, query = "") =>
    given.api<{ plugin: Installed; steps: Step[] } & ErrorResponse>(
      "POST",
      `/api/admin/plugins/versioned/upgrade${query}`,
      body,
    );
  const rollback = (query = "") =>
    given.api<{ plugin: Installed; steps: Step[] } & ErrorResponse>(
      "POST",
      `/api/admin/plugins/versioned/rollback${query}`,
    );
  return { ...given, db, installed, running, upgrade, rollback };
}

const tables = async (db: (sql: string) => Promise<{ name: string }[]>) =>
  (
    await db("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name")
  ).map((r) => r.name);

describe("upgrading a plugin", () => {
  it("plans in a dry run: the version, the configuration's changes, the pending migrations, the changelog; nothing changes", async () => {
    const t = await givenVersioned();
    const plan = await t.upgrade({ version: "1.1.0" }, "?dry_run=true");
    expect(plan.status).toBe(200);
    expect(plan.body).toEqual({
      dry_run: true,
      approval_needed: false,
      steps: [
        {
          slug: "versioned",
          from: "1.0.0",
          to: "1.1.0",
          reason: "requested",
          permissions: {
            added: { network: [], capabilities: [], sockets: [] },
            removed: { network: [], capabilities: [], sockets: [] },
          },
          config: [
            { key: "secret_key", change: "renamed", from: "api_key" },
            { key: "retries", change: "retyped", from: "retries", from_type: "string", to_type: "integer" },
            { key: "region", change: "added", default: "eu" },
            { key: "fail_upgrade", change: "added" },
            { key: "legacy_flag", change: "removed" },
          ],
          migrations: ["0002_tags"],
          changelog: "api_key is now secret_key; retries is a number; products can be tagged.",
        },
      ],
    });
    expect((await t.installed()).versioned?.version).toBe("1.0.0");
    expect(await tables(t.db)).toEqual(["items"]);
  });

  it("moves the installation, keeping it active: settings renamed, retyped, dropped and added; migrations and onUpgrade run", async () => {
    const t = await givenVersioned();
    const res = await t.upgrade({ version: "1.1.0" });
    expect(res.status).toBe(200);
    expect(res.body.plugin).toMatchObject({ slug: "versioned", version: "1.1.0", state: "active" });
    expect(res.body.steps.map((s) => [s.slug, s.from, s.to, s.migrations])).toEqual([
      ["versioned", "1.0.0", "1.1.0", ["0002_tags"]],
    ]);
    // the secret moved to its new key and still decrypts there; the rest as the new schema says
    expect(await t.running()).toEqual({
      version: "1.1.0",
      config: { secret_key: "sk_live_one", retries: 5, region: "eu" },
    });
    const config = await t.api<{ config: Record<string, unknown> }>("GET", "/api/admin/plugins/versioned/config");
    expect(config.body.config).toEqual({ secret_key: "********", retries: 5, region: "eu" });
    expect(await t.db("SELECT from_version, to_version, migrations FROM upgrades")).toEqual([
      { from_version: "1.0.0", to_version: "1.1.0", migrations: "0002_tags" },
    ]);
    expect(await tables(t.db)).toEqual(["items", "upgrades"]);
  });

  it("takes the newest version the dependents allow when none is named", async () => {
    const t = await givenVersioned();
    expect((await t.api("POST", "/api/admin/plugins/versioned-dependent/install")).status).toBe(201);
    // 2.0.0 is newer, but versioned-dependent needs ^1.0.0; 1.4.0 would move versioned-base past its ^1.0.0
    const plan = await t.upgrade({}, "?dry_run=true");
    expect(plan.body.steps.map((s) => s.to)).toEqual(["1.3.0"]);
  });

  it("refuses a version a dependent's range does not allow, naming the dependent and its range", async () => {
    const t = await givenVersioned();
    await t.api("POST", "/api/admin/plugins/versioned-dependent/install");
    const res = await t.upgrade({ version: "2.0.0", config: { webhook_secret: "whsec_1" } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("DEPENDENCY_CONFLICT");
    expect(res.body.error.message).toContain("versioned-dependent@1.0.0 requires versioned@^1.0.0");
    expect((await t.installed()).versioned?.version).toBe("1.0.0");
  });

  it("moves a dependency the new version needs at another version, and undoes both on rollback", async () => {
    const t = await givenVersioned();
    const res = await t.upgrade({ version: "1.4.0" });
    expect(res.status).toBe(200);
    expect(res.body.steps.map((s) => [s.slug, s.from, s.to, s.reason])).toEqual([
      ["versioned-base", "1.0.0", "2.0.0", "dependency of versioned"],
      ["versioned", "1.0.0", "1.4.0", "requested"],
    ]);
    const after = await t.installed();
    expect([after.versioned?.version, after["versioned-base"]?.version]).toEqual(["1.4.0", "2.0.0"]);
    expect((await t.rollback()).status).toBe(200);
    const back = await t.installed();
    expect([back.versioned?.version, back["versioned-base"]?.version]).toEqual(["1.0.0", "1.0.0"]);
  });

  it("refuses to move a dependency another installed plugin pins, with the chain that causes it", async () => {
    const t = await givenVersioned();
    await t.api("POST", "/api/admin/plugins/versioned-dependent/install");
    const res = await t.upgrade({ version: "1.4.0" });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("DEPENDENCY_CONFLICT");
    expect(res.body.error.message).toContain("Cannot move versioned-base to 2.0.0");
    expect(res.body.error.message).toContain("versioned-dependent@1.0.0 requires versioned-base@^1.0.0");
  });

  it("refuses a required setting the old configuration cannot fill, naming it, and goes through once it is given", async () => {
    const t = await givenVersioned();
    const refused = await t.upgrade({ version: "2.0.0" });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("INVALID_CONFIGURATION");
    expect(refused.body.error.details).toEqual({
      issues: [{ field: "config.webhook_secret", message: expect.stringContaining("is required by the new version") }],
    });
    expect((await t.installed()).versioned?.version).toBe("1.0.0");
    const res = await t.upgrade({ version: "2.0.0", config: { webhook_secret: "whsec_1" } });
    expect(res.status).toBe(200);
    expect((await t.running()).config).toMatchObject({ secret_key: "sk_live_one", webhook_secret: "whsec_1" });
  });

  it("refuses a setting given that the new version does not have, and a value that does not fit it", async () => {
    const t = await givenVersioned();
    const unknown = await t.upgrade({ version: "1.1.0", config: { api_key: "x" } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details).toEqual({
      issues: [{ field: "config.api_key", message: "is not a setting of the new version" }],
    });
    const invalid = await t.upgrade({ version: "1.1.0", config: { retries: -1 } });
    expect(invalid.status).toBe(422);
    expect(JSON.stringify(invalid.body.error.details)).toContain("config.retries");
  });

  it("needs the operator's approval for permissions the new version adds", async () => {
    const t = await givenVersioned();
    await t.upgrade({ version: "1.1.0" });
    const plan = await t.upgrade({ version: "1.2.0" }, "?dry_run=true");
    expect(plan.body).toMatchObject({ approval_needed: true });
    expect(plan.body.steps[0]?.permissions.added.capabilities).toEqual(["cache"]);
    const refused = await t.upgrade({ version: "1.2.0" });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("PERMISSIONS_NOT_APPROVED");
    expect(refused.body.error.message).toContain("versioned@1.2.0 asks for cache");
    expect((await t.installed()).versioned?.version).toBe("1.1.0");
    const approved = await t.upgrade({ version: "1.2.0", approve_permissions: true });
    expect(approved.status).toBe(200);
    expect(approved.body.plugin.permissions.capabilities).toContain("cache");
  });

  it("leaves the previous version active with its data intact when a migration fails", async () => {
    const t = await givenVersioned();
    await t.upgrade({ version: "1.1.0" });
    await t.db("INSERT INTO items (product_id, version, tag) VALUES ('p_kept', '1.1.0', 'keep')");
    const res = await t.upgrade({ version: "1.3.0" });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("MIGRATION_FAILED");
    expect(res.body.error.message).toContain("migration 0004_broken failed");
    expect(res.body.error.message).toContain("versioned stays at 1.1.0");
    expect((await t.installed()).versioned).toMatchObject({ version: "1.1.0", state: "active" });
    // 0003 ran before 0004 failed, in the same transaction: it is gone too
    expect(await tables(t.db)).toEqual(["items", "upgrades"]);
    expect(await t.db("SELECT product_id, tag FROM items")).toEqual([{ product_id: "p_kept", tag: "keep" }]);
    expect((await t.running()).version).toBe("1.1.0");
  });

  it("leaves the previous version when onUpgrade throws, undoing the migrations it ran first", async () => {
    const t = await givenVersioned();
    const res = await t.upgrade({ version: "1.1.0", config: { fail_upgrade: true } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("LIFECYCLE_CALLBACK_FAILED");
    expect(res.body.error.message).toContain("onUpgrade refused");
    expect((await t.installed()).versioned?.version).toBe("1.0.0");
    expect(await tables(t.db)).toEqual(["items"]);
    expect((await t.running()).config).toMatchObject({ api_key: "sk_live_one", legacy_flag: true });
  });

  it("refuses what is not an upgrade: the version it runs, an unknown version, a bad range, a plugin not installed", async () => {
    const t = await givenVersioned();
    const same = await t.upgrade({ version: "1.0.0" });
    expect([same.status, same.body.error.code]).toEqual([409, "ILLEGAL_TRANSITION"]);
    const missing = await t.upgrade({ version: "9.9.9" });
    expect([missing.status, missing.body.error.code]).toEqual([404, "VERSION_NOT_FOUND"]);
    expect(missing.body.error.message).toContain("available: 2.0.0, 1.4.0");
    const bad = await t.upgrade({ version: "one point one" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("version");
    const extra = await t.upgrade({ versoin: "1.1.0" });
    expect(extra.status).toBe(400);
    const other = await t.api<ErrorResponse>("POST", "/api/admin/plugins/versioned-dependent/upgrade");
    expect([other.status, other.body.error.code]).toEqual([409, "ILLEGAL_TRANSITION"]);
    const viewer = await t.as("viewer")("POST", "/api/admin/plugins/versioned/upgrade", { version: "1.1.0" });
    expect(viewer.status).toBe(403);
  });
});

describe("calls and deliveries across an upgrade", () => {
  it("lets a call in flight finish on the version it started on; the next call runs the new one", async () => {
    const t = await givenVersioned();
    const slow = t.api<{ started: string; finished: string }>("POST", "/api/plugins/versioned/slow", { ms: 1_500 });
    await new Promise((r) => setTimeout(r, 300));
    expect((await t.upgrade({ version: "1.1.0" })).status).toBe(200);
    expect((await slow).body).toEqual({ started: "1.0.0", finished: "1.0.0" });
    expect((await t.running()).version).toBe("1.1.0");
  });

  it("runs a queued delivery on the version active when it runs, and each attempt records its version", async () => {
    const t = await givenVersioned();
    // 1.0.0 refuses this product: its delivery waits for a retry, and the upgrade lands before it
    const created = await t.api<{ id: string }>("POST", "/api/commerce/products", {
      title: "Mug",
      price: 1200,
      currency: "USD",
      metadata: { fail_on_version: "1.0.0" },
    });
    expect(created.status).toBe(201);
    const event = async () => {
      const { body } = await t.api<{ events: { id: string; hook: string }[] }>(
        "GET",
        "/api/admin/events?hook=after_product_create",
      );
      return body.events[0];
    };
    const { id } = await eventually(event);
    type Attempt = { outcome: string; plugin_version: string | null };
    const attempts = async () =>
      (
        await t.api<{ deliveries: { plugin_slug: string; status: string; attempt_log: Attempt[] }[] }>(
          "GET",
          `/api/admin/events/${id}`,
        )
      ).body.deliveries.find((d) => d.plugin_slug === "versioned");
    await eventually(async () => ((await attempts())?.attempt_log.length ?? 0) > 0 || undefined);
    expect((await t.upgrade({ version: "1.1.0" })).status).toBe(200);
    const done = await eventually(async () => {
      const d = await attempts();
      return d?.status === "succeeded" ? d : undefined;
    });
    expect(done.attempt_log.map((a) => [a.outcome, a.plugin_version])).toEqual([
      ["failed", "1.0.0"],
      ["succeeded", "1.1.0"],
    ]);
    expect(await t.db("SELECT version FROM items")).toEqual([{ version: "1.1.0" }]);
  });
});

describe("rolling back", () => {
  it("restores the previous version with its configuration and undoes the upgrade's migrations", async () => {
    const t = await givenVersioned();
    await t.upgrade({ version: "1.1.0" });
    await t.api("PUT", "/api/admin/plugins/versioned/config", { secret_key: "********", retries: 9, region: "us" });
    const plan = await t.rollback("?dry_run=true");
    expect(plan.body).toMatchObject({
      dry_run: true,
      steps: [{ slug: "versioned", from: "1.1.0", to: "1.0.0", migrations: ["0002_tags"] }],
    });
    expect((await t.installed()).versioned?.version).toBe("1.1.0");
    const res = await t.rollback();
    expect(res.status).toBe(200);
    expect(res.body.plugin).toMatchObject({ version: "1.0.0", state: "active" });
    expect(await t.running()).toEqual({
      version: "1.0.0",
      config: { api_key: "sk_live_one", retries: "5", legacy_flag: true },
    });
    expect(await tables(t.db)).toEqual(["items"]);
    const again = await t.rollback();
    expect([again.status, again.body.error.code]).toEqual([409, "ROLLBACK_REFUSED"]);
    expect(again.body.error.message).toContain("no earlier version");
  });

  it("goes back one upgrade at a time", async () => {
    const t = await givenVersioned();
    await t.upgrade({ version: "1.1.0" });
    await t.upgrade({ version: "1.4.0" });
    expect((await t.rollback()).body.plugin?.version).toBe("1.1.0");
    expect((await t.rollback()).body.plugin?.version).toBe("1.0.0");
  });

  it("refuses when a migration of the upgrade cannot be undone, saying which and why", async () => {
    const t = await givenVersioned();
    await t.upgrade({ version: "1.1.0" });
    await t.upgrade({ version: "1.2.0", approve_permissions: true });
    const res = await t.rollback();
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("ROLLBACK_REFUSED");
    expect(res.body.error.message).toContain("migration 0003_archive declares no down");
    expect((await t.installed()).versioned?.version).toBe("1.2.0");
    expect(await tables(t.db)).toEqual(["archive", "items", "upgrades"]);
  });
});
