/** After hooks: delivered through the hook-events queue to each subscribing plugin, retried alone, dead-lettered, replayed. */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { HookCatalogue, type HookName } from "@digital-commerce/plugin-sdk";
import { describe, expect, it } from "vitest";
import { subscribersOf } from "../../api/src/hooks/index.ts";
import { ledgerDb, ledgerOf, SWEEP_INTERVAL_MS } from "../../api/src/ledger/index.ts";
import { activatePlugin } from "../../api/src/lifecycle/index.ts";
import { createLogger } from "../../api/src/logging/index.ts";
import { givenPublished, givenTenant } from "../helpers.ts";
import { deliveryRows, eventually, fire, givenRecorder, hookRun, recorded, samplePayloads } from "./helpers.ts";

const notificationHooks = (Object.keys(HookCatalogue) as HookName[]).filter(
  (h) => HookCatalogue[h].kind === "notification",
);

function payloadOf(hook: HookName, tenantId: string): unknown {
  const group = HookCatalogue[hook].group;
  return group === "system" ? samplePayloads.plugin(tenantId) : samplePayloads[group];
}

/** The recorder's open dead letter for the after_product_create event `id`, once it is there. */
async function deadLetterOf(api: Awaited<ReturnType<typeof givenRecorder>>["api"], id: string) {
  return await eventually(async () => {
    const res = await api<{ dead_letters: { id: string; event_id: string; attempts: number; last_error: string }[] }>(
      "GET",
      "/api/admin/dead-letters?plugin=recorder&hook=after_product_create",
    );
    return res.body.dead_letters.find((l) => l.event_id === id);
  });
}

describe("after hooks", { timeout: 30_000 }, () => {
  it("delivers every notification hook to the subscribed plugin through the queue", async () => {
    const { tenant, api } = await givenRecorder();
    const run = hookRun(tenant.id);
    const fired = new Map<string, HookName>();
    for (const hook of notificationHooks) {
      const [id] = await fire(run, hook, payloadOf(hook, tenant.id) as never);
      fired.set(id as string, hook);
    }
    const done = await eventually(async () => {
      const rows = await deliveryRows(tenant.id, [...fired.keys()]);
      return rows.length === fired.size && rows.every((r) => r.status === "succeeded") ? rows : undefined;
    });
    expect(new Set(done.map((r) => r.hook))).toEqual(new Set(notificationHooks));
    const { effects } = await recorded(api);
    expect(effects.filter((e) => fired.has(e.event_id))).toHaveLength(notificationHooks.length);
    // the plugin saw each delivery's idempotency key: the delivery id
    for (const effect of effects.filter((e) => fired.has(e.event_id)))
      expect(effect.idempotency_key).toBe(effect.delivery_id);
  });

  it("reaches a plugin activated a moment before the event, whatever this isolate has cached", async () => {
    await givenPublished("recorder");
    const { tenant, api } = await givenTenant();
    expect((await api("POST", "/api/admin/plugins/recorder/install")).status).toBe(201);
    // this isolate has just looked: no subscriber yet
    expect(await subscribersOf(env, tenant.id, "after_order_create")).toEqual([]);
    // activated as the API Worker would, whose change cannot reach the consumer's cache
    await activatePlugin(
      {
        catalogue: env.DB,
        db: ledgerDb(env, tenant.id),
        queues: env,
        tenantId: tenant.id,
        secret: env.CONFIG_ENCRYPTION_KEY,
        log: createLogger("silent"),
      },
      "recorder",
    );
    const [id] = await fire(hookRun(tenant.id), "after_order_create", samplePayloads.order);
    await eventually(async () =>
      (await deliveryRows(tenant.id, [id as string]))[0]?.status === "succeeded" ? true : undefined,
    );
  });

  it("retries a handler that fails twice, and it ends succeeded after 3 attempts", async () => {
    const { tenant, api } = await givenRecorder({ mode: "flaky" });
    const [id] = await fire(hookRun(tenant.id), "after_order_create", samplePayloads.order);
    const event = await eventually(async () => {
      const res = await api<{ deliveries: { status: string; attempts: number; attempt_log: { outcome: string }[] }[] }>(
        "GET",
        `/api/admin/events/${id}`,
      );
      return res.body.deliveries[0]?.status === "succeeded" ? res.body : undefined;
    });
    expect(event.deliveries[0]?.attempts).toBe(3);
    expect(event.deliveries[0]?.attempt_log.map((a) => a.outcome)).toEqual(["failed", "failed", "succeeded"]);
    const { calls, effects } = await recorded(api);
    expect(calls.filter((c) => c.event_id === id).map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(effects.filter((e) => e.event_id === id)).toHaveLength(1);
  });

  it("dead-letters a handler that always fails, and delivers it on replay once the plugin is fixed", async () => {
    const { tenant, api } = await givenRecorder({ mode: "fail" });
    const [id] = await fire(hookRun(tenant.id), "after_product_create", samplePayloads.product);
    const letter = await deadLetterOf(api, id as string);
    // the recorder's manifest gives its hooks 3 attempts
    expect(letter.attempts).toBe(3);
    expect(letter.last_error).toContain("recorder is configured to fail");
    expect((await deliveryRows(tenant.id, [id as string]))[0]?.status).toBe("dead");

    expect((await api("PUT", "/api/admin/plugins/recorder/config", { mode: "ok" })).status).toBe(200);
    const replay = await api<{ replayed: string[] }>("POST", `/api/admin/dead-letters/${letter.id}/replay`);
    expect(replay.body.replayed).toEqual([letter.id]);
    await eventually(async () =>
      (await deliveryRows(tenant.id, [id as string]))[0]?.status === "succeeded" ? true : undefined,
    );
    const after = await api<{ dead_letters: { event_id: string }[] }>("GET", "/api/admin/dead-letters?plugin=recorder");
    expect(after.body.dead_letters.filter((l) => l.event_id === id)).toHaveLength(0);
    expect((await recorded(api)).effects.filter((e) => e.event_id === id)).toHaveLength(1);
  });

  it("dead-letters at once a handler that says no retry can fix its failure, and replays it once fixed", async () => {
    const { tenant, api } = await givenRecorder({ mode: "give-up" });
    const [id] = await fire(hookRun(tenant.id), "after_product_create", samplePayloads.product);
    const letter = await deadLetterOf(api, id as string);
    expect(letter.attempts).toBe(1);
    expect(letter.last_error).toContain("RECORDER_MISCONFIGURED: recorder is configured to give up");
    expect(letter.last_error).not.toContain("PERMANENT_FAILURE");
    expect((await api("PUT", "/api/admin/plugins/recorder/config", { mode: "ok" })).status).toBe(200);
    expect((await api("POST", `/api/admin/dead-letters/${letter.id}/replay`)).status).toBe(200);
    await eventually(async () =>
      (await deliveryRows(tenant.id, [id as string]))[0]?.status === "succeeded" ? true : undefined,
    );
    expect((await recorded(api)).effects.filter((e) => e.event_id === id)).toHaveLength(1);
  });

  it("runs a duplicated message's handler once", async () => {
    const { tenant, api } = await givenRecorder({ delay_ms: 300 });
    const run = hookRun(tenant.id);
    const [id] = await fire(run, "after_user_create", samplePayloads.user);
    // the event itself, and a copy of its delivery message sent while the first copy runs
    const [delivery] = await eventually(async () => {
      const rows = await deliveryRows(tenant.id, [id as string]);
      return rows.length > 0 ? rows : undefined;
    });
    const copy = {
      type: "delivery",
      delivery_id: delivery?.id,
      event_id: id,
      tenant_id: tenant.id,
      plugin_slug: "recorder",
      hook: "after_user_create",
      payload: samplePayloads.user,
    };
    await env.HOOK_EVENTS.sendBatch([{ body: copy }, { body: copy }]);
    await fire(run, "after_user_create", samplePayloads.user).then(() => undefined);
    await eventually(async () =>
      (await deliveryRows(tenant.id, [id as string]))[0]?.status === "succeeded" ? true : undefined,
    );
    // let the copies arrive after it succeeded too
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const { effects } = await recorded(api);
    expect(effects.filter((e) => e.event_id === id)).toHaveLength(1);
  });

  it("delivers a payload too large for a queue message by reference to its outbox row", async () => {
    const { tenant, api } = await givenRecorder();
    const large = { product: { ...samplePayloads.product.product, description: "x".repeat(200_000) } };
    const [id] = await fire(hookRun(tenant.id), "after_product_update", large);
    await eventually(async () =>
      (await deliveryRows(tenant.id, [id as string]))[0]?.status === "succeeded" ? true : undefined,
    );
    const call = (await recorded(api)).calls.find((c) => c.event_id === id);
    expect(JSON.parse(call?.payload ?? "{}")).toEqual(large);
  });

  it("re-drives an event whose send failed from the tenant's outbox, on its ledger's alarm", async () => {
    const { tenant, api } = await givenRecorder();
    const refusing = {
      send: async () => {
        throw new Error("queue unavailable");
      },
      sendBatch: async () => {
        throw new Error("queue unavailable");
      },
    } as unknown as Queue<unknown>;
    const [id] = await fire(
      hookRun(tenant.id, { HOOK_EVENTS: refusing }),
      "after_order_complete",
      samplePayloads.order,
    );
    const ledger = ledgerDb(env, tenant.id);
    const row = await ledger
      .prepare("SELECT sent_at FROM outbox WHERE id = ?")
      .bind(id)
      .first<{ sent_at: string | null }>();
    expect(row?.sent_at).toBeNull();
    // the unsent row keeps an alarm set on the tenant's ledger, and nothing else needs to look
    expect(await runInDurableObject(ledgerOf(env, tenant.id), (_o, state) => state.storage.getAlarm())).not.toBeNull();

    expect(await runDurableObjectAlarm(ledgerOf(env, tenant.id))).toBe(true);
    await eventually(async () =>
      (await deliveryRows(tenant.id, [id as string]))[0]?.status === "succeeded" ? true : undefined,
    );
    expect((await recorded(api)).effects.filter((e) => e.event_id === id)).toHaveLength(1);
    // sent: the outbox has nothing unsent, so the alarm left is only the retention sweep's, an interval away
    expect(await runInDurableObject(ledgerOf(env, tenant.id), (_o, state) => state.storage.getAlarm())).toBeGreaterThan(
      Date.now() + SWEEP_INTERVAL_MS - 60_000,
    );
  });
});
