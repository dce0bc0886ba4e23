/**
 * Verified inbound webhooks: answered at once after the plugin's verify step, queued once per provider
 * event, handled from the queue with the pipeline's retries and dead letters, and found by the trace.
 */

import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { hmacHex } from "../fixtures/plugins/web-flow/src/verify.ts";
import { eventually, givenTenantWith } from "../helpers.ts";

const SECRET = "whsec_test";

/** Sends an event the way the provider would, signed with `secret` at `timestamp`. */
async function send(
  tenantSlug: string,
  event: { id: string; type: string; data?: unknown },
  { secret = SECRET, timestamp = Math.floor(Date.now() / 1000), tamper = false } = {},
) {
  const body = JSON.stringify(event);
  const signature = await hmacHex(secret, `${timestamp}.${body}`);
  return await SELF.fetch(`http://commerce.test/webhooks/${tenantSlug}/web-flow/events`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-timestamp": String(timestamp), "x-signature": signature },
    body: tamper ? body.replace(event.type, `${event.type}.tampered`) : body,
  });
}

const given = (config: Record<string, unknown> = {}) =>
  givenTenantWith({ "web-flow": { signing_secret: SECRET, ...config } });

type Received = { event_id: string; type: string; attempt: number }[];

describe("a verified inbound webhook", () => {
  it("is answered at once, then handled from the queue", async () => {
    const { tenant, api } = await given();
    const res = await send(tenant.slug, { id: "evt_1", type: "order.paid", data: { n: 1 } });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { received: boolean; event_id: string; duplicate: boolean };
    expect(answer).toMatchObject({ received: true, provider_event_id: "evt_1", duplicate: false });
    const received = await eventually(async () => {
      const r = await api<Received>("GET", "/api/plugins/web-flow/received");
      return r.body.length > 0 ? r.body : undefined;
    });
    expect(received).toEqual([{ event_id: "evt_1", type: "order.paid", attempt: 1 }]);
  });

  it("is handled once when the provider sends the same event twice", async () => {
    const { tenant, api } = await given();
    const first = await send(tenant.slug, { id: "evt_dup", type: "order.paid" });
    const second = await send(tenant.slug, { id: "evt_dup", type: "order.paid" });
    expect(((await first.json()) as { duplicate: boolean }).duplicate).toBe(false);
    expect(((await second.json()) as { duplicate: boolean }).duplicate).toBe(true);
    await send(tenant.slug, { id: "evt_after", type: "order.paid" });
    const received = await eventually(async () => {
      const r = await api<Received>("GET", "/api/plugins/web-flow/received");
      return r.body.some((e) => e.event_id === "evt_after") ? r.body : undefined;
    });
    expect(received.filter((e) => e.event_id === "evt_dup")).toHaveLength(1);
  });

  it.each([
    ["a tampered body", { tamper: true }, "does not match"],
    ["another secret", { secret: "whsec_other" }, "does not match"],
    ["a stale timestamp", { timestamp: Math.floor(Date.now() / 1000) - 3600 }, "stale"],
  ])("refuses %s with 400, records it and queues nothing", async (_name, options, reason) => {
    const { tenant } = await given();
    const res = await send(tenant.slug, { id: "evt_bad", type: "order.paid" }, options);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("WEBHOOK_REFUSED");
    expect(body.error.message).toContain(reason);
    const recorded = await ledgerDb(env, tenant.id)
      .prepare(
        "SELECT detail FROM plugin_security_events WHERE tenant_id = ? AND slug = 'web-flow' AND kind = 'webhook_refused'",
      )
      .bind(tenant.id)
      .first<{ detail: string }>();
    expect(recorded?.detail).toContain(reason);
    const queued = await ledgerDb(env, tenant.id)
      .prepare("SELECT COUNT(*) AS n FROM outbox WHERE tenant_id = ? AND hook LIKE 'webhook:%'")
      .bind(tenant.id)
      .first<{ n: number }>();
    expect(queued?.n).toBe(0);
  });

  it("is retried, dead-lettered after its attempts, and handled when replayed once the plugin is fixed", async () => {
    const { tenant, api } = await given({ fail_handler: true });
    const res = await send(tenant.slug, { id: "evt_fail", type: "order.paid" });
    const { event_id } = (await res.json()) as { event_id: string };
    const letter = await eventually(async () => {
      const r = await api<{ dead_letters: { id: string; attempts: number; last_error: string }[] }>(
        "GET",
        "/api/admin/dead-letters?plugin=web-flow",
      );
      return r.body.dead_letters[0];
    }, 20_000);
    expect(letter.attempts).toBe(2); // the webhook's max_attempts
    expect(letter.last_error).toContain("cannot handle evt_fail");
    const fixed = await api("PUT", "/api/admin/plugins/web-flow/config", {
      signing_secret: "********",
      fail_handler: false,
    });
    expect(fixed.status).toBe(200);
    expect((await api("POST", `/api/admin/dead-letters/${letter.id}/replay`)).status).toBe(200);
    const received = await eventually(async () => {
      const r = await api<Received>("GET", "/api/plugins/web-flow/received");
      return r.body.length > 0 ? r.body : undefined;
    });
    // a replay is a fresh run of attempts: the handler's first of the new run succeeded
    expect(received).toEqual([{ event_id: "evt_fail", type: "order.paid", attempt: 1 }]);
    const event = await api<{ hook: string; deliveries: { plugin_slug: string; status: string }[] }>(
      "GET",
      `/api/admin/events/${event_id}`,
    );
    expect(event.body.hook).toBe("webhook:/events");
    expect(event.body.deliveries).toMatchObject([{ plugin_slug: "web-flow", status: "succeeded" }]);
  });

  it("shows in the trace of the request that brought it", async () => {
    const { tenant, api } = await given();
    const res = await send(tenant.slug, { id: "evt_traced", type: "order.paid" });
    const traceId = res.headers.get("x-trace-id");
    expect(traceId).toMatch(/^tr_/);
    const trace = await eventually(async () => {
      const t = await api<{ events: { hook: string; deliveries: { status: string }[] }[] }>(
        "GET",
        `/api/admin/traces/${traceId}`,
      );
      return t.body.events?.[0]?.deliveries?.[0]?.status === "succeeded" ? t.body : undefined;
    });
    expect(trace.events.map((e) => e.hook)).toEqual(["webhook:/events"]);
  });
});
