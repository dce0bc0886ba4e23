import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
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
    db: env.DB,
    queues: env,
    tenantId: tenant.id,
    secret: env.CONFIG_ENCRYPTION_KEY,
    log: createLogger("silent"),
  };
  return { tenant, scope };
}

const activatedEvents = async (tenantId: string) =>
  (
    await env.DB.prepare("SELECT COUNT(*) AS n FROM outbox WHERE tenant_id = ? AND hook = 'plugin_activated'")
      .bind(tenantId)
      .first<{ n: number }>()
  )?.n;
const stateOf = async (tenantId: string) =>
  (
    await env.DB.prepare("SELECT state FROM installations WHERE tenant_id = ? AND slug = 'core-utils'")
      .bind(tenantId)
      .first<{ state: string }>()
  )?.state;

describe("transitions are atomic", () => {
  it("changes nothing when the state it was planned from changed meanwhile", async () => {
    const { tenant, scope } = await scopeWithCoreUtils();
    const stale = new TransitionBatch(scope)
      .expect("core-utils", "inactive")
      .write(
        env.DB.prepare("UPDATE installations SET state = 'active' WHERE tenant_id = ? AND slug = 'core-utils'").bind(
          tenant.id,
        ),
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
        env.DB.prepare("UPDATE installations SET state = 'active' WHERE tenant_id = ? AND slug = 'core-utils'").bind(
          tenant.id,
        ),
      )
      .emit("plugin_activated", "core-utils", {})
      // no such plugin version: the foreign key fails after the first write
      .write(
        env.DB.prepare(
          "INSERT INTO installations (tenant_id, slug, version, state) VALUES (?, 'ghost', '9.9.9', 'installed')",
        ).bind(tenant.id),
      );
    await expect(halfway.commit()).rejects.toThrow();
    expect(await stateOf(tenant.id)).toBe("installed");
    expect(await activatedEvents(tenant.id)).toBe(0);
  });

  it("leaves no guard rows behind", async () => {
    const { scope } = await scopeWithCoreUtils();
    await new TransitionBatch(scope).expect("core-utils", "installed").commit();
    const guards = await env.DB.prepare("SELECT COUNT(*) AS n FROM transition_guards").first<{ n: number }>();
    expect(guards?.n).toBe(0);
  });
});
