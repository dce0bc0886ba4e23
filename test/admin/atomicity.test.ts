import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { TransitionBatch } from "../../api/src/lifecycle/commit.ts";
import { createLogger } from "../../api/src/logging/index.ts";
import { givenReferencePlugins, givenTenant } from "../helpers.ts";

beforeAll(async () => {
  await givenReferencePlugins();
});

async function scopeWithCoreUtils() {
  const { tenant, api } = await givenTenant();
  await api("POST", "/api/admin/plugins/core-utils/install");
  const scope = {
    catalogue: env.DB,
    db: ledgerDb(env, tenant.id),
    queues: env,
    tenantId: tenant.id,
    secret: env.CONFIG_ENCRYPTION_KEY,
    log: createLogger("silent"),
  };
  return { tenant, scope };
}

const activatedEvents = async (tenantId: string) =>
  (
    await ledgerDb(env, tenantId)
      .prepare("SELECT COUNT(*) AS n FROM outbox WHERE tenant_id = ? AND hook = 'plugin_activated'")
      .bind(tenantId)
      .first<{ n: number }>()
  )?.n;
const stateOf = async (tenantId: string) =>
  (
    await ledgerDb(env, tenantId)
      .prepare("SELECT state FROM installations WHERE tenant_id = ? AND slug = 'core-utils'")
      .bind(tenantId)
      .first<{ state: string }>()
  )?.state;

describe("transitions are atomic", () => {
  it("changes nothing when the state it was planned from changed meanwhile", async () => {
    const { tenant, scope } = await scopeWithCoreUtils();
    const stale = new TransitionBatch(scope)
      .expect("core-utils", "inactive")
      .write(
        scope.db
          .prepare("UPDATE installations SET state = 'active' WHERE tenant_id = ? AND slug = 'core-utils'")
          .bind(tenant.id),
      )
      .emit("plugin_activated", "core-utils", {});
    await expect(stale.commit()).rejects.toMatchObject({ code: "CONCURRENT_MODIFICATION" });
    expect(await stateOf(tenant.id)).toBe("installed");
    expect(await activatedEvents(tenant.id)).toBe(0);
  });

  it("leaves the previous state when a write fails halfway", async () => {
    const { tenant, scope } = await scopeWithCoreUtils();
    const halfway = new TransitionBatch(scope)
      .expect("core-utils", "installed")
      .write(
        scope.db
          .prepare("UPDATE installations SET state = 'active' WHERE tenant_id = ? AND slug = 'core-utils'")
          .bind(tenant.id),
      )
      .emit("plugin_activated", "core-utils", {})
      // core-utils is installed already: its primary key fails after the first write
      .write(
        scope.db
          .prepare(
            "INSERT INTO installations (tenant_id, slug, version, state) VALUES (?, 'core-utils', '1.3.0', 'installed')",
          )
          .bind(tenant.id),
      );
    await expect(halfway.commit()).rejects.toThrow();
    expect(await stateOf(tenant.id)).toBe("installed");
    expect(await activatedEvents(tenant.id)).toBe(0);
  });

  it("leaves no guard rows behind", async () => {
    const { scope } = await scopeWithCoreUtils();
    await new TransitionBatch(scope).expect("core-utils", "installed").commit();
    const guards = await scope.db.prepare("SELECT COUNT(*) AS n FROM transition_guards").first<{ n: number }>();
    expect(guards?.n).toBe(0);
  });
});
