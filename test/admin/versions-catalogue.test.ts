/**
 * The versions catalogue (GET /api/admin/plugins/:slug/versions): every version of a plugin with its
 * changelog, the version the caller's tenant runs, and for a plugins:publish token which tenants run
 * which, from the D1 index every lifecycle transition keeps and a reindex repairs.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { type Client, type ErrorResponse, givenPublished, givenTenant } from "../helpers.ts";

beforeAll(async () => {
  for (const v of ["1.0.0", "1.1.0", "1.2.0"]) await givenPublished(`versioned-${v}`);
  await givenPublished("versioned-base-1.0.0");
});

type Version = {
  version: string;
  changelog: string | null;
  registered_at: string;
  tenants?: { count: number; slugs: string[] };
};
type Catalogue = { slug: string; installed_version: string | null; versions: Version[] } & ErrorResponse;

const V = "/api/admin/plugins/versioned/versions";

async function givenStore(version = "1.0.0") {
  const given = await givenTenant();
  const config = version === "1.0.0" ? { api_key: "sk_one" } : { secret_key: "sk_one" };
  expect((await given.api("POST", "/api/admin/plugins/versioned/install", { version, config })).status).toBe(201);
  return given;
}

let operator: Client;
beforeAll(async () => {
  operator = (await (await givenTenant()).publisher()).api;
});

/** The index's row of `tenantId` for versioned, as D1 holds it. */
const indexed = (tenantId: string) =>
  env.DB.prepare("SELECT version, state FROM tenant_plugins WHERE tenant_id = ? AND slug = 'versioned'")
    .bind(tenantId)
    .first<{ version: string; state: string }>();

const tenantsOf = (catalogue: Catalogue, version: string) =>
  catalogue.versions.find((v) => v.version === version)?.tenants;

describe("the versions catalogue", { timeout: 30_000 }, () => {
  it("lists every version newest first with its changelog, and the version this tenant runs", async () => {
    const store = await givenStore();
    const res = await store.api<Catalogue>("GET", V);
    expect(res.status).toBe(200);
    expect(res.body.slug).toBe("versioned");
    expect(res.body.installed_version).toBe("1.0.0");
    expect(res.body.versions.map((v) => [v.version, v.changelog])).toEqual([
      ["1.2.0", "Archives products (a migration that cannot be undone); caches rates."],
      ["1.1.0", "api_key is now secret_key; retries is a number; products can be tagged."],
      ["1.0.0", null],
    ]);
    for (const v of res.body.versions) expect(Number.isNaN(Date.parse(v.registered_at))).toBe(false);
  });

  it("names no other tenant to a tenant's own admin, or even to its owner", async () => {
    const other = await givenStore("1.1.0");
    const store = await givenStore();
    for (const api of [store.api, store.as("owner"), store.as("viewer")]) {
      const res = await api<Catalogue>("GET", V);
      expect(res.status).toBe(200);
      expect(res.body.versions.every((v) => v.tenants === undefined)).toBe(true);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(other.tenant.slug);
      expect(text).not.toContain(other.tenant.id);
    }
    // a tenant without the plugin sees the versions, running none
    const without = await givenTenant();
    expect((await without.api<Catalogue>("GET", V)).body.installed_version).toBeNull();
  });

  it("shows a plugins:publish token how many tenants run each version, and which", async () => {
    const a = await givenStore();
    const b = await givenStore();
    const c = await givenStore("1.1.0");
    const res = await operator<Catalogue>("GET", V);
    expect(res.status).toBe(200);
    const on100 = tenantsOf(res.body, "1.0.0");
    const on110 = tenantsOf(res.body, "1.1.0");
    expect(on100?.slugs).toEqual(expect.arrayContaining([a.tenant.slug, b.tenant.slug]));
    expect(on100?.slugs).not.toContain(c.tenant.slug);
    expect(on110?.slugs).toContain(c.tenant.slug);
    expect(on100?.count).toBe(on100?.slugs.length);
    expect(tenantsOf(res.body, "1.2.0")).toEqual({ count: 0, slugs: [] });
    // the slugs come sorted, and each version's count is every tenant on it
    expect(on100?.slugs).toEqual([...(on100?.slugs ?? [])].sort());
  });

  it("answers 404 naming the nearest plugin for a slug it does not know", async () => {
    const res = await operator<ErrorResponse>("GET", "/api/admin/plugins/versiond/versions");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("PLUGIN_NOT_FOUND");
    expect(res.body.error.message).toContain("versioned");
  });
});

describe("the index of which tenant runs which version", { timeout: 30_000 }, () => {
  it("follows every transition: install, activate, upgrade, rollback, deactivate, uninstall", async () => {
    const store = await givenStore();
    const id = store.tenant.id;
    expect(await indexed(id)).toEqual({ version: "1.0.0", state: "installed" });
    await store.api("POST", "/api/admin/plugins/versioned/activate?cascade=true");
    expect(await indexed(id)).toEqual({ version: "1.0.0", state: "active" });
    expect((await store.api("POST", "/api/admin/plugins/versioned/upgrade", { version: "1.1.0" })).status).toBe(200);
    expect(await indexed(id)).toEqual({ version: "1.1.0", state: "active" });
    expect((await store.api("POST", "/api/admin/plugins/versioned/rollback")).status).toBe(200);
    expect(await indexed(id)).toEqual({ version: "1.0.0", state: "active" });
    await store.api("POST", "/api/admin/plugins/versioned/deactivate");
    expect(await indexed(id)).toEqual({ version: "1.0.0", state: "inactive" });
    expect((await store.api("DELETE", "/api/admin/plugins/versioned")).status).toBe(200);
    expect(await indexed(id)).toBeNull();
    // the dependency installed with it has its own row
    const base = await env.DB.prepare("SELECT version FROM tenant_plugins WHERE tenant_id = ? AND slug = ?")
      .bind(id, "versioned-base")
      .first();
    expect(base).toEqual({ version: "1.0.0" });
  });

  it("lets a transition stand when the index write fails, and a reindex repairs what it missed", async () => {
    const before = await givenStore();
    // the index unreachable: D1 has no tenant_plugins while these transitions commit
    await env.DB.prepare("ALTER TABLE tenant_plugins RENAME TO tenant_plugins_away").run();
    let missed: Awaited<ReturnType<typeof givenStore>>;
    try {
      missed = await givenStore();
      expect((await before.api("DELETE", "/api/admin/plugins/versioned")).status).toBe(200);
    } finally {
      await env.DB.prepare("ALTER TABLE tenant_plugins_away RENAME TO tenant_plugins").run();
    }
    expect((await missed.api<Catalogue>("GET", V)).body.installed_version).toBe("1.0.0");
    expect(await indexed(missed.tenant.id)).toBeNull();
    expect(await indexed(before.tenant.id)).toEqual({ version: "1.0.0", state: "installed" });

    const repair = await operator<{ slug: string; tenants: number; indexed: number; removed: number }>(
      "POST",
      `${V}/reindex`,
    );
    expect(repair.status).toBe(200);
    expect(repair.body).toMatchObject({ slug: "versioned", removed: 1 });
    expect(repair.body.indexed).toBeGreaterThanOrEqual(1);
    const { n } = (await env.DB.prepare("SELECT COUNT(*) AS n FROM tenants").first<{ n: number }>()) ?? { n: 0 };
    expect(repair.body.tenants).toBe(n);
    expect(await indexed(missed.tenant.id)).toEqual({ version: "1.0.0", state: "installed" });
    expect(await indexed(before.tenant.id)).toBeNull();
  });

  it("refuses a reindex to a token without plugins:publish", async () => {
    const res = await (await givenTenant()).as("owner")<ErrorResponse>("POST", `${V}/reindex`);
    expect([res.status, res.body.error.code]).toEqual([403, "FORBIDDEN"]);
  });
});
