import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { MAX_ATTEMPTS } from "../../api/src/webhooks/index.ts";
import { type ErrorResponse, givenTenant } from "../helpers.ts";
import { deliveriesOf, eventually, givenEndpoint, publish, settledDeliveries } from "./fixtures.ts";
import { answer, requestsTo } from "./receiver.ts";

interface EndpointView {
  enabled: boolean;
  disabled_reason: string | null;
  consecutive_failures: number;
}

async function systemEvents(tenantId: string, topic: string) {
  const { results } = await ledgerDb(env, tenantId)
    .prepare("SELECT payload FROM outbox WHERE tenant_id = ? AND hook = ?")
    .bind(tenantId, topic)
    .all<{ payload: string }>();
  return results.map((r) => JSON.parse(r.payload) as Record<string, unknown>);
}

// Each exhausted delivery runs the whole schedule: about 5 s at the tests' WEBHOOK_RETRY_SCALE (vitest.config.ts).
describe("an endpoint that keeps failing", () => {
  it("fails a delivery after the whole schedule, logs every attempt, and dead-letters it", async () => {
    const { tenant, api } = await givenTenant();
    const endpoint = await givenEndpoint(api, { behaviour: "always-500" });
    await publish(tenant.id, "after_order_create");

    const [delivery] = await settledDeliveries(api, endpoint.id, 1);
    expect(delivery?.status).toBe("failed");
    expect(delivery?.attempts).toHaveLength(MAX_ATTEMPTS);
    expect(delivery?.attempts.map((a) => a.status_code)).toEqual(Array(MAX_ATTEMPTS).fill(500));
    expect(delivery?.last_error).toMatch(/^HTTP 500/);
    expect(await requestsTo(endpoint.path)).toHaveLength(MAX_ATTEMPTS);
    // the scaled schedule's last three delays (5 h, 10 h, 10 h) are whole seconds apart: the retries waited
    const started = delivery?.attempts.map((a) => Date.parse(a.started_at)) ?? [];
    expect((started.at(-1) ?? 0) - (started[0] ?? 0)).toBeGreaterThanOrEqual(4500);

    const letter = await eventually(
      () =>
        ledgerDb(env, tenant.id)
          .prepare("SELECT queue, tenant_id, hook, last_error FROM dead_letters WHERE delivery_id = ?")
          .bind(delivery?.id)
          .first(),
      (row) => row !== null,
    );
    expect(letter).toMatchObject({
      queue: "webhook-deliveries-dlq",
      tenant_id: tenant.id,
      hook: "after_order_create",
      last_error: expect.stringMatching(/^HTTP 500/),
    });

    // one exhausted delivery is not yet a run: the endpoint stays enabled
    const view = await api<EndpointView>("GET", `/api/admin/webhooks/${endpoint.id}`);
    expect(view.body).toMatchObject({ enabled: true, consecutive_failures: 1 });
  }, 30_000);

  it("is disabled after 5 exhausted deliveries in a row, with a webhook_endpoint_disabled system event", async () => {
    const { tenant, api } = await givenTenant();
    const endpoint = await givenEndpoint(api);
    await answer(endpoint.path, 500);
    for (let i = 0; i < 5; i++) await publish(tenant.id, "after_order_create", { order: { id: `ord_${i}` } });

    const deliveries = await settledDeliveries(api, endpoint.id, 5, 40_000);
    expect(deliveries.map((d) => d.status)).toEqual(Array(5).fill("failed"));

    const view = await eventually(
      () => api<EndpointView>("GET", `/api/admin/webhooks/${endpoint.id}`),
      (res) => !res.body.enabled,
    );
    expect(view.body).toMatchObject({ enabled: false, disabled_reason: "failing", consecutive_failures: 5 });

    const events = await systemEvents(tenant.id, "event:webhook_endpoint_disabled");
    expect(events).toEqual([
      expect.objectContaining({
        endpoint_id: endpoint.id,
        consecutive_failures: 5,
        last_error: expect.stringMatching(/^HTTP 500/),
      }),
    ]);

    // events that happen while it is disabled are kept as skipped, not sent
    expect((await publish(tenant.id, "after_order_create", { order: { id: "ord_missed" } })).queued).toBe(0);
    const skipped = (await deliveriesOf(api, endpoint.id)).filter((d) => d.status === "skipped");
    expect(skipped).toHaveLength(1);

    // a replay would only skip again
    const refused = await api<ErrorResponse>("POST", `/api/admin/webhooks/${endpoint.id}/replay`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("WEBHOOK_ENDPOINT_DISABLED");
    expect(refused.body.error.message).toMatch(/enable it first/);

    // fixed, re-enabled and replayed: every missed event arrives, the run of failures is forgotten
    await answer(endpoint.path, 200);
    const enabled = await api<EndpointView>("POST", `/api/admin/webhooks/${endpoint.id}/enable`);
    expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null, consecutive_failures: 0 });
    const replay = await api<{ replayed: number; remaining: number }>(
      "POST",
      `/api/admin/webhooks/${endpoint.id}/replay`,
    );
    expect(replay.body).toEqual({ replayed: 6, remaining: 0 });

    const after = await settledDeliveries(api, endpoint.id, 6);
    expect(after.map((d) => d.status)).toEqual(Array(6).fill("succeeded"));
    const replayedFailure = after.find((d) => d.attempts.length > 1);
    expect(replayedFailure?.attempts.map((a) => a.status_code)).toEqual([...Array(MAX_ATTEMPTS).fill(500), 200]);
    const orderIds = (await requestsTo(endpoint.path))
      .filter((r) => r.headers["webhook-id"] && JSON.parse(r.body).data.order)
      .map((r) => JSON.parse(r.body).data.order.id);
    expect(new Set(orderIds)).toEqual(new Set(["ord_0", "ord_1", "ord_2", "ord_3", "ord_4", "ord_missed"]));
  }, 60_000);

  it("resets the run of failures on a successful delivery", async () => {
    const { tenant, api } = await givenTenant();
    const endpoint = await givenEndpoint(api);
    await answer(endpoint.path, 500);
    await publish(tenant.id, "after_order_create");
    await settledDeliveries(api, endpoint.id, 1);
    expect((await api<EndpointView>("GET", `/api/admin/webhooks/${endpoint.id}`)).body.consecutive_failures).toBe(1);

    await answer(endpoint.path, 204);
    await publish(tenant.id, "after_order_create");
    await settledDeliveries(api, endpoint.id, 2);
    expect((await api<EndpointView>("GET", `/api/admin/webhooks/${endpoint.id}`)).body.consecutive_failures).toBe(0);
  }, 30_000);
});

describe("replaying missed deliveries", () => {
  it("replays only the deliveries since the given time, then the rest", async () => {
    const { tenant, api } = await givenTenant();
    const endpoint = await givenEndpoint(api);
    await api("PATCH", `/api/admin/webhooks/${endpoint.id}`, { enabled: false });
    await publish(tenant.id, "after_order_create", { order: { id: "early" } });
    await new Promise((r) => setTimeout(r, 20));
    const since = new Date().toISOString();
    await publish(tenant.id, "after_order_create", { order: { id: "late" } });
    expect((await deliveriesOf(api, endpoint.id)).map((d) => d.status)).toEqual(["skipped", "skipped"]);

    await api("POST", `/api/admin/webhooks/${endpoint.id}/enable`);
    const first = await api("POST", `/api/admin/webhooks/${endpoint.id}/replay`, { since });
    expect(first.body).toEqual({ replayed: 1, remaining: 0 });
    const [late] = await eventually(
      () => requestsTo(endpoint.path),
      (rs) => rs.length === 1,
    );
    expect(JSON.parse(late?.body ?? "{}").data.order.id).toBe("late");

    const rest = await api("POST", `/api/admin/webhooks/${endpoint.id}/replay`);
    expect(rest.body).toEqual({ replayed: 1, remaining: 0 });
    await settledDeliveries(api, endpoint.id, 2);
    const ids = (await requestsTo(endpoint.path)).map((r) => JSON.parse(r.body).data.order.id);
    expect(ids.sort()).toEqual(["early", "late"]);

    // nothing left: a succeeded delivery is never replayed
    expect((await api("POST", `/api/admin/webhooks/${endpoint.id}/replay`)).body).toEqual({
      replayed: 0,
      remaining: 0,
    });
  });

  it("skips a pending retry once its endpoint is disabled by hand, and replays it later", async () => {
    const { tenant, api } = await givenTenant();
    const endpoint = await givenEndpoint(api);
    await answer(endpoint.path, 500);
    await publish(tenant.id, "after_order_create");
    await eventually(
      () => requestsTo(endpoint.path),
      (rs) => rs.length >= 1,
    );
    await api("PATCH", `/api/admin/webhooks/${endpoint.id}`, { enabled: false });
    const [skipped] = await settledDeliveries(api, endpoint.id, 1);
    expect(skipped?.status).toBe("skipped");
    expect(skipped?.last_error).toMatch(/disabled/);

    await answer(endpoint.path, 200);
    await api("POST", `/api/admin/webhooks/${endpoint.id}/enable`);
    await api("POST", `/api/admin/webhooks/${endpoint.id}/replay`);
    const [delivered] = await settledDeliveries(api, endpoint.id, 1);
    expect(delivered?.status).toBe("succeeded");
    expect(delivered?.attempts.at(-1)?.status_code).toBe(200);
  });

  it("answers 404 for an unknown endpoint and 400 for a malformed since", async () => {
    const { api } = await givenTenant();
    const endpoint = await givenEndpoint(api);
    const bad = await api<ErrorResponse>("POST", `/api/admin/webhooks/${endpoint.id}/replay`, { since: "yesterday" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/since/);
    const missing = await api<ErrorResponse>("POST", `/api/admin/webhooks/ep_${"0".repeat(32)}/replay`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("WEBHOOK_ENDPOINT_NOT_FOUND");
  });
});
