/** The pipeline's admin API: an event's whole trace, and the dead letters (list, replay all of a plugin, purge). */
import { describe, expect, it } from "vitest";
import { type ErrorResponse, eventually } from "../helpers.ts";
import { givenEndpoint } from "../webhooks/fixtures.ts";
import { requestsTo } from "../webhooks/receiver.ts";
import { deliveryRows, fire, givenRecorder, hookRun, samplePayloads } from "./helpers.ts";

type Letters = { dead_letters: { id: string; event_id: string; plugin_slug: string; hook: string }[] };

describe("the pipeline's admin API", { timeout: 30_000 }, () => {
  it("shows an event's plugin deliveries and webhook deliveries, each with its attempts", async () => {
    const { tenant, api } = await givenRecorder();
    const endpoint = await givenEndpoint(api, { events: ["after_order_create"] });
    const [id] = await fire(hookRun(tenant.id), "after_order_create", samplePayloads.order);
    await eventually(async () => ((await requestsTo(endpoint.path)).length > 0 ? true : undefined));
    const event = await eventually(async () => {
      const res = await api<{
        hook: string;
        deliveries: { plugin_slug: string; status: string; attempt_log: unknown[] }[];
        webhook_deliveries: { endpoint_id: string; status: string; attempts: { status_code: number }[] }[];
      }>("GET", `/api/admin/events/${id}`);
      const done =
        res.body.deliveries[0]?.status === "succeeded" && res.body.webhook_deliveries[0]?.status === "succeeded";
      return done ? res.body : undefined;
    });
    expect(event.hook).toBe("after_order_create");
    expect(event.deliveries).toMatchObject([{ plugin_slug: "recorder", attempt_log: [{ outcome: "succeeded" }] }]);
    expect(event.webhook_deliveries).toMatchObject([{ endpoint_id: endpoint.id, attempts: [{ status_code: 200 }] }]);
  });

  it("answers 404 for an event or trace the tenant does not have", async () => {
    const { api } = await givenRecorder();
    expect((await api<ErrorResponse>("GET", "/api/admin/events/nope")).status).toBe(404);
    expect((await api<ErrorResponse>("GET", "/api/admin/traces/tr_nope")).status).toBe(404);
    expect((await api<ErrorResponse>("POST", "/api/admin/dead-letters/nope/replay")).status).toBe(404);
    expect((await api<ErrorResponse>("DELETE", "/api/admin/dead-letters/nope")).status).toBe(404);
  });

  it("refuses a replay that names no plugin, and a filter it does not know, naming the field", async () => {
    const { api } = await givenRecorder();
    const replay = await api<ErrorResponse>("POST", "/api/admin/dead-letters/replay", {});
    expect(replay.status).toBe(400);
    expect(replay.body.error.message).toContain("plugin");
    const list = await api<ErrorResponse>("GET", "/api/admin/dead-letters?all=maybe");
    expect(list.status).toBe(400);
    expect(list.body.error.message).toContain("all");
  });

  it("purges one dead letter, and replays all of a plugin's others once it is fixed", async () => {
    const { tenant, api, as } = await givenRecorder({ mode: "fail" });
    const ids = await fire(hookRun(tenant.id), "after_user_create", samplePayloads.user, 2);
    const letters = await eventually(async () => {
      const res = await api<Letters>("GET", "/api/admin/dead-letters?plugin=recorder&hook=after_user_create");
      const mine = res.body.dead_letters.filter((l) => ids.includes(l.event_id));
      return mine.length === 2 ? mine : undefined;
    });
    const [purged, kept] = letters as [Letters["dead_letters"][0], Letters["dead_letters"][0]];

    // a viewer may read but not change them
    expect((await as("viewer")("DELETE", `/api/admin/dead-letters/${purged.id}`)).status).toBe(403);
    expect((await api<{ purged: number }>("DELETE", `/api/admin/dead-letters/${purged.id}`)).body).toEqual({
      purged: 1,
    });

    expect((await api("PUT", "/api/admin/plugins/recorder/config", { mode: "ok" })).status).toBe(200);
    const replay = await api<{ replayed: string[] }>("POST", "/api/admin/dead-letters/replay", {
      plugin: "recorder",
      hook: "after_user_create",
    });
    expect(replay.body.replayed).toEqual([kept.id]);
    const rows = await eventually(async () => {
      const all = await deliveryRows(tenant.id, ids);
      return all.some((r) => r.status === "succeeded") ? all : undefined;
    });
    expect(rows.find((r) => r.event_id === kept.event_id)?.status).toBe("succeeded");
    // the purged one stays dead: purging is giving up on it
    expect(rows.find((r) => r.event_id === purged.event_id)?.status).toBe("dead");
  });
});
