/**
 * Canary rollouts (POST /api/admin/plugins/:slug/rollouts and below): a version of test/fixtures/versioned
 * goes to a share of the tenants that run the plugin, or to named ones, each upgraded as its own
 * operator's upgrade would; tenants it cannot move are reported blocked and left alone; health compares
 * the canary's error rate with the rest's; the rollout widens, finishes, or stops and rolls back.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { rankOf } from "../../api/src/rollouts/index.ts";
import { type Client, type ErrorResponse, eventually, givenPublished, givenTenant } from "../helpers.ts";

beforeAll(async () => {
  for (const v of ["1.0.0", "1.1.0", "1.2.0", "2.0.0"]) await givenPublished(`versioned-${v}`);
  await givenPublished("versioned-base-1.0.0");
});

type Cohort = { tenants: number; calls: number; errors: number; error_rate: number | null };
type RolloutTenant = {
  tenant_id: string;
  tenant_slug: string;
  picked: "share" | "named";
  status: string;
  from_version: string;
  reason: { code: string; message: string } | null;
  upgraded_at: string | null;
};
type Rollout = {
  id: string;
  version: string;
  share: number;
  state: string;
  eligible: number;
  counts: Record<string, number>;
  tenants: RolloutTenant[];
  health: { canary: Cohort; rest: Cohort; comparison: string };
} & ErrorResponse;

type Store = Awaited<ReturnType<typeof givenTenant>> & { running(): Promise<string> };

/** The tenants of the running test that have versioned: uninstalled after it, so the next test's shares are of its own. */
let fleet: Store[] = [];

/** A tenant with versioned at `version` (1.0.0: api_key; later: secret_key), active. */
async function givenStore(version = "1.0.0"): Promise<Store> {
  const given = await givenTenant();
  const config = version === "1.0.0" ? { api_key: "sk_one" } : { secret_key: "sk_one" };
  const install = await given.api("POST", "/api/admin/plugins/versioned/install", { version, config });
  if (install.status !== 201) throw new Error(`installing versioned@${version}: ${JSON.stringify(install.body)}`);
  expect((await given.api("POST", "/api/admin/plugins/versioned/activate?cascade=true")).status).toBe(200);
  const running = async () =>
    (await given.api<{ version: string }>("GET", "/api/plugins/versioned/version")).body.version;
  const store = { ...given, running };
  fleet.push(store);
  return store;
}

async function givenStores(n: number, version?: string): Promise<Store[]> {
  const stores: Store[] = [];
  for (let i = 0; i < n; i++) stores.push(await givenStore(version));
  return stores;
}

/** A platform operator: a tenant's admin whose token has plugins:publish. */
let operator: Client;
beforeAll(async () => {
  operator = (await (await givenTenant()).publisher()).api;
});

const R = "/api/admin/plugins/versioned/rollouts";
const start = (body: unknown) => operator<Rollout>("POST", R, body);

afterEach(async () => {
  const { body } = await operator<{ rollouts: { id: string; state: string }[] }>("GET", R);
  for (const r of body.rollouts.filter((r) => r.state === "open")) await operator("POST", `${R}/${r.id}/stop`);
  for (const store of fleet) await store.api("DELETE", "/api/admin/plugins/versioned?cascade=true");
  fleet = [];
}, 30_000);

const bySlug = (rollout: Rollout) => Object.fromEntries(rollout.tenants.map((t) => [t.tenant_slug, t]));

/** The stores in the order a rollout of versioned takes them: lowest rank first. */
async function byRank(stores: Store[]): Promise<Store[]> {
  const ranked = await Promise.all(stores.map(async (s) => ({ s, rank: await rankOf("versioned", s.tenant.id) })));
  return ranked.sort((a, b) => (a.rank < b.rank ? -1 : 1)).map((r) => r.s);
}

describe("a rollout by share", { timeout: 30_000 }, () => {
  it("upgrades half of the tenants that run the plugin at 50%, the lowest by rank, and names them", async () => {
    const stores = await givenStores(4);
    const res = await start({ version: "1.1.0", share: 50 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ version: "1.1.0", share: 50, state: "open", eligible: 4 });
    const [first, second, third, fourth] = await byRank(stores);
    expect(res.body.tenants.map((t) => [t.tenant_slug, t.picked, t.status, t.from_version])).toEqual([
      [first?.tenant.slug, "share", "upgraded", "1.0.0"],
      [second?.tenant.slug, "share", "upgraded", "1.0.0"],
    ]);
    expect(res.body.counts).toMatchObject({ upgraded: 2, blocked: 0, failed: 0 });
    // each tenant's own installation says the same
    expect(await Promise.all([first, second, third, fourth].map((s) => s?.running()))).toEqual([
      "1.1.0",
      "1.1.0",
      "1.0.0",
      "1.0.0",
    ]);
    const got = await operator<Rollout>("GET", `${R}/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body.tenants.map((t) => t.tenant_slug)).toEqual(res.body.tenants.map((t) => t.tenant_slug));
  });

  it("keeps the canary when widened, upgrades the rest at 100% and finishes", async () => {
    const stores = await givenStores(4);
    const started = (await start({ version: "1.1.0", share: 25 })).body;
    expect(started.tenants).toHaveLength(1);
    const canary = started.tenants[0] as RolloutTenant;
    const wider = await operator<Rollout>("POST", `${R}/${started.id}/widen`, { share: 50 });
    expect(wider.status).toBe(200);
    expect(wider.body.tenants).toHaveLength(2);
    // the first canary is not taken again: same upgrade, same instant
    expect(bySlug(wider.body)[canary.tenant_slug]).toMatchObject({
      status: "upgraded",
      upgraded_at: canary.upgraded_at,
    });
    const all = await operator<Rollout>("POST", `${R}/${started.id}/widen`, { share: 100 });
    expect(all.body).toMatchObject({ share: 100, state: "finished", counts: { upgraded: 4 } });
    expect(await Promise.all(stores.map((s) => s.running()))).toEqual(["1.1.0", "1.1.0", "1.1.0", "1.1.0"]);
    const closed = await operator<Rollout>("POST", `${R}/${started.id}/widen`, { share: 100 });
    expect([closed.status, closed.body.error.code]).toEqual([409, "ROLLOUT_NOT_OPEN"]);
  });

  it("refuses to narrow a rollout, naming the share", async () => {
    await givenStores(2);
    const started = (await start({ version: "1.1.0", share: 50 })).body;
    const res = await operator<ErrorResponse>("POST", `${R}/${started.id}/widen`, { share: 10 });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "VALIDATION_FAILED", details: { issues: [{ field: "share" }] } });
  });

  it("stops: rolls back every tenant it upgraded, with its configuration, and leaves the rest alone", async () => {
    const stores = await givenStores(4);
    const started = (await start({ version: "1.1.0", share: 50 })).body;
    const canary = new Set(started.tenants.map((t) => t.tenant_id));
    const stopped = await operator<Rollout>("POST", `${R}/${started.id}/stop`);
    expect(stopped.status).toBe(200);
    expect(stopped.body.state).toBe("stopped");
    expect(stopped.body.tenants.map((t) => t.status)).toEqual(["rolled_back", "rolled_back"]);
    expect(await Promise.all(stores.map((s) => s.running()))).toEqual(["1.0.0", "1.0.0", "1.0.0", "1.0.0"]);
    for (const s of stores.filter((s) => canary.has(s.tenant.id))) {
      const config = await s.api<{ config: Record<string, unknown> }>("GET", "/api/admin/plugins/versioned/config");
      expect(config.body.config).toMatchObject({ api_key: "********" });
    }
    const again = await operator<Rollout>("POST", `${R}/${started.id}/stop`);
    expect([again.status, again.body.error.code]).toEqual([409, "ROLLOUT_NOT_OPEN"]);
  });

  it("leaves a tenant that moved on since its upgrade where it is when stopped", async () => {
    await givenStores(2);
    const started = (await start({ version: "1.1.0", share: 50 })).body;
    const canary = fleet.find((s) => s.tenant.id === started.tenants[0]?.tenant_id) as Store;
    expect((await canary.api("POST", "/api/admin/plugins/versioned/rollback")).status).toBe(200);
    const stopped = (await operator<Rollout>("POST", `${R}/${started.id}/stop`)).body;
    expect(stopped.tenants[0]).toMatchObject({ status: "upgraded", reason: { code: "MOVED_ON" } });
    expect(await canary.running()).toBe("1.0.0");
  });

  it("allows one open rollout per plugin", async () => {
    await givenStores(2);
    const first = (await start({ version: "1.1.0", share: 50 })).body;
    const second = await start({ version: "1.1.0", share: 50 });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: "ROLLOUT_IN_PROGRESS", details: { rollout_id: first.id } });
  });
});

describe("a rollout to named tenants", { timeout: 30_000 }, () => {
  it("upgrades exactly the tenants named, whatever the share", async () => {
    const [a, b, c] = await givenStores(3);
    const res = await start({ version: "1.1.0", tenants: [b?.tenant.slug] });
    expect(res.status).toBe(201);
    expect(res.body.tenants.map((t) => [t.tenant_slug, t.picked, t.status])).toEqual([
      [b?.tenant.slug, "named", "upgraded"],
    ]);
    expect(res.body).toMatchObject({ share: 0, state: "open" });
    expect([await a?.running(), await b?.running(), await c?.running()]).toEqual(["1.0.0", "1.1.0", "1.0.0"]);
    // named tenants count toward a share: 33% of 3 is the one taken already, 66% one more
    const third = await operator<Rollout>("POST", `${R}/${res.body.id}/widen`, { share: 33 });
    expect(third.body.tenants).toHaveLength(1);
    const twoThirds = await operator<Rollout>("POST", `${R}/${res.body.id}/widen`, { share: 66 });
    expect(twoThirds.body.tenants.map((t) => t.picked).sort()).toEqual(["named", "share"]);
  });

  it("refuses a tenant that does not exist or cannot be moved, naming it, and starts nothing", async () => {
    const [store] = await givenStores(1);
    const without = await givenTenant();
    const unknown = await start({ version: "1.1.0", tenants: [store?.tenant.slug, "no-such-store"] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: "TENANT_NOT_FOUND", details: { issues: [{ field: "tenants" }] } });
    expect(unknown.body.error.message).toContain('"no-such-store"');
    const ineligible = await start({ version: "1.1.0", tenants: [without.tenant.slug] });
    expect(ineligible.status).toBe(409);
    expect(ineligible.body.error.code).toBe("ROLLOUT_TENANT_INELIGIBLE");
    expect(ineligible.body.error.message).toContain(`${without.tenant.slug} does not have versioned installed`);
    const { body } = await operator<{ rollouts: unknown[] }>("GET", R);
    expect(body.rollouts.filter((r) => (r as { state: string }).state === "open")).toEqual([]);
    expect(await store?.running()).toBe("1.0.0");
  });

  it.each([
    [{ share: 50 }, "version"],
    [{ version: "1.1", share: 50 }, "version"],
    [{ version: "1.1.0" }, "share"],
    [{ version: "1.1.0", share: 0 }, "share"],
    [{ version: "1.1.0", share: 101 }, "share"],
    [{ version: "1.1.0", share: 12.5 }, "share"],
    [{ version: "1.1.0", tenants: [] }, "tenants"],
    [{ version: "1.1.0", share: 10, approve_permissions: true }, "(body)"],
  ])("refuses %j with 400 naming %s", async (body, field) => {
    const res = await start(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(JSON.stringify(res.body.error.details)).toContain(`"field":"${field}"`);
  });

  it("refuses a version that is not registered, listing those that are", async () => {
    const res = await start({ version: "9.9.9", share: 10 });
    expect([res.status, res.body.error.code]).toEqual([404, "VERSION_NOT_FOUND"]);
    expect(res.body.error.message).toContain("available: 2.0.0, 1.2.0, 1.1.0, 1.0.0");
  });
});

describe("tenants a rollout cannot move", { timeout: 30_000 }, () => {
  it("reports a tenant whose upgrade asks for new permissions as blocked, and leaves it for its operator", async () => {
    const [store] = await givenStores(1, "1.1.0");
    const res = await start({ version: "1.2.0", share: 50 });
    expect(res.status).toBe(201);
    expect(res.body.tenants).toEqual([
      expect.objectContaining({
        tenant_slug: store?.tenant.slug,
        status: "blocked",
        from_version: "1.1.0",
        reason: {
          code: "PERMISSIONS_NOT_APPROVED",
          message: expect.stringContaining("versioned@1.2.0 asks for cache, not granted now"),
        },
      }),
    ]);
    expect(await store?.running()).toBe("1.1.0");
    const installed = await store?.api<{ plugins: { slug: string; permissions: { capabilities: string[] } }[] }>(
      "GET",
      "/api/admin/plugins/installed",
    );
    expect(installed?.body.plugins.find((p) => p.slug === "versioned")?.permissions.capabilities).not.toContain(
      "cache",
    );
    // its own operator approves, through its own upgrade
    const own = await store?.api("POST", "/api/admin/plugins/versioned/upgrade", {
      version: "1.2.0",
      approve_permissions: true,
    });
    expect(own?.status).toBe(200);
  });

  it("reports a tenant whose configuration cannot move as blocked, naming the setting", async () => {
    const [store] = await givenStores(1, "1.1.0");
    const res = await start({ version: "2.0.0", share: 100 });
    expect(res.body.tenants[0]).toMatchObject({
      status: "blocked",
      reason: { code: "INVALID_CONFIGURATION", message: expect.stringContaining("webhook_secret") },
    });
    expect(res.body.state).toBe("finished");
    expect(await store?.running()).toBe("1.1.0");
  });
});

describe("a rollout's health", { timeout: 60_000 }, () => {
  it("compares the canary's error rate with the rest's", async () => {
    const stores = await givenStores(4);
    const started = (await start({ version: "1.1.0", share: 50 })).body;
    expect(started.health.comparison).toBe("insufficient_data");
    // 1.1.0 refuses these products in after_product_create; 1.0.0 takes them
    for (const s of stores) {
      for (let i = 0; i < 3; i++) {
        const created = await s.api("POST", "/api/commerce/products", {
          title: `Mug ${i}`,
          price: 1200,
          currency: "USD",
          metadata: { fail_on_version: "1.1.0" },
        });
        expect(created.status).toBe(201);
      }
    }
    const health = await eventually(async () => {
      const { body } = await operator<Rollout>("GET", `${R}/${started.id}`);
      const { canary, rest } = body.health;
      return canary.errors >= 6 && rest.calls >= 6 ? body.health : undefined;
    }, 30_000);
    expect(health.canary).toMatchObject({ tenants: 2, error_rate: 1 });
    expect(health.rest).toMatchObject({ tenants: 2, errors: 0, error_rate: 0 });
    expect(health.comparison).toBe("worse");
  });
});

describe("who may roll out", { timeout: 30_000 }, () => {
  const routes: [string, (id: string) => string][] = [
    ["POST", () => R],
    ["GET", () => R],
    ["GET", (id) => `${R}/${id}`],
    ["POST", (id) => `${R}/${id}/widen`],
    ["POST", (id) => `${R}/${id}/stop`],
    ["POST", () => "/api/admin/plugins/versioned/versions/reindex"],
  ];

  it.each(routes)("refuses %s %s to a tenant's owner without plugins:publish (403)", async (method, path) => {
    const owner = (await givenTenant()).as("owner");
    const body = method === "POST" ? { version: "1.1.0", share: 50 } : undefined;
    const res = await owner<ErrorResponse>(method, path("ro_any"), body);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
    expect(res.body.error.message).toContain("plugins:publish");
  });

  it("lets a publish-scoped viewer read rollouts but not start one", async () => {
    const viewer = (await (await givenTenant()).publisher("viewer")).api;
    expect((await viewer("GET", R)).status).toBe(200);
    const res = await viewer<ErrorResponse>("POST", R, { version: "1.1.0", share: 50 });
    expect([res.status, res.body.error.code]).toEqual([403, "FORBIDDEN"]);
  });

  it("answers 404 for a rollout or a plugin that does not exist", async () => {
    const missing = await operator<ErrorResponse>("GET", `${R}/ro_nope`);
    expect([missing.status, missing.body.error.code]).toEqual([404, "ROLLOUT_NOT_FOUND"]);
    const plugin = await operator<ErrorResponse>("POST", "/api/admin/plugins/versiond/rollouts", {
      version: "1.1.0",
      share: 5,
    });
    expect([plugin.status, plugin.body.error.code]).toEqual([404, "PLUGIN_NOT_FOUND"]);
  });
});
