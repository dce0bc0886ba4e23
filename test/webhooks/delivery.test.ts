import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { deliveryIdOf, enqueueWebhookDeliveries } from "../../api/src/webhooks/index.ts";
import { givenTenant } from "../helpers.ts";
import { deliveriesOf, eventually, givenEndpoint, publish, settledDeliveries } from "./fixtures.ts";
import { requestsTo, verifies } from "./receiver.ts";

const received = (path: string, count = 1) =>
  eventually(
    () => requestsTo(path),
    (rs) => rs.length >= count,
  );

describe("webhook deliveries", () => {
  it("POSTs the event as {type, timestamp, data}, signed so an independent verifier accepts it", async () => {
    const { tenant, api } = await givenTenant();
    const endpoint = await givenEndpoint(api, { events: ["after_order_create"] });
    const payload = { order: { id: "ord_1", total: 4200, note: "naïve café ☕" } };
    const { event, queued } = await publish(tenant.id, "after_order_create", payload);
    expect(queued).toBe(1);

    const [request] = await received(endpoint.path);
    if (!request) throw new Error("no request");
    expect(request.method).toBe("POST");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["webhook-id"]).toBe(await deliveryIdOf(event.id, endpoint.id));
    expect(Math.abs(Number(request.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(30);
    expect(request.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(JSON.parse(request.body)).toEqual({
      type: "after_order_create",
      timestamp: event.created_at,
      data: payload,
    });

    expect(await verifies(endpoint.secret, request)).toEqual({ verified: true, error: null });
  });

  it("fails verification of a tampered body, a tampered id and a wrong secret", async () => {
    const { tenant, api } = await givenTenant();
    const endpoint = await givenEndpoint(api);
    await publish(tenant.id, "after_order_create", { order: { id: "ord_2", total: 100 } });
    const [request] = await received(endpoint.path);
    if (!request) throw new Error("no request");

    const tamperedBody = { ...request, body: request.body.replace('"total":100', '"total":1') };
    expect(tamperedBody.body).not.toBe(request.body);
    expect((await verifies(endpoint.secret, tamperedBody)).verified).toBe(false);

    const tamperedId = { ...request, headers: { ...request.headers, "webhook-id": "msg_someoneelse" } };
    expect((await verifies(endpoint.secret, tamperedId)).verified).toBe(false);

    const other = await givenEndpoint(api);
    expect((await verifies(other.secret, request)).verified).toBe(false);
  });

  it("delivers only to endpoints subscribed to the event type, or to every type", async () => {
    const { tenant, api } = await givenTenant();
    const orders = await givenEndpoint(api, { events: ["after_order_create"] });
    const payments = await givenEndpoint(api, { events: ["after_payment_success"] });
    const everything = await givenEndpoint(api, { events: ["*"] });
    const custom = await givenEndpoint(api, { events: ["event:invoice.sent"] });

    expect((await publish(tenant.id, "after_order_create")).queued).toBe(2);
    expect((await publish(tenant.id, "event:invoice.sent", { event: "invoice.sent", data: {} })).queued).toBe(2);
    // before hooks and analytics never reach webhooks, even "*"
    expect((await publish(tenant.id, "before_order_create")).queued).toBe(0);

    await received(orders.path);
    await received(custom.path);
    await received(everything.path, 2);
    const types = (await requestsTo(everything.path)).map((r) => JSON.parse(r.body).type).sort();
    expect(types).toEqual(["after_order_create", "event:invoice.sent"]);
    expect(await requestsTo(payments.path)).toEqual([]);
  });

  it("does not deliver one tenant's events to another tenant's endpoints", async () => {
    const a = await givenTenant();
    const b = await givenTenant();
    const endpointOfB = await givenEndpoint(b.api, { events: ["*"] });
    expect((await publish(a.tenant.id, "after_order_create")).queued).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await requestsTo(endpointOfB.path)).toEqual([]);
  });

  it("writes one delivery per event and endpoint however often the event is fanned out", async () => {
    const { tenant, api } = await givenTenant();
    const endpoint = await givenEndpoint(api);
    const { event } = await publish(tenant.id, "after_order_create");
    const [first] = await settledDeliveries(api, endpoint.id, 1);
    expect(first?.status).toBe("succeeded");

    // the hook-events queue delivers at least once: the same event again
    expect(await enqueueWebhookDeliveries(env, event)).toBe(0);
    expect(await enqueueWebhookDeliveries(env, event)).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await deliveriesOf(api, endpoint.id)).toHaveLength(1);
    expect(await requestsTo(endpoint.path)).toHaveLength(1);
  });

  it("carries a large payload by reference and delivers it intact", async () => {
    const { tenant, api } = await givenTenant();
    const endpoint = await givenEndpoint(api);
    // above the 64 KiB the outbox sends inline, so the hook event message has no payload at all
    const payload = {
      order: {
        id: "ord_big",
        lines: Array.from({ length: 2000 }, (_, i) => ({ sku: `sku-${i}`, note: "x".repeat(60) })),
      },
    };
    const { event } = await publish(tenant.id, "after_order_create", payload);
    expect(event.payload).toBeUndefined();

    const [request] = await received(endpoint.path);
    if (!request) throw new Error("no request");
    expect(request.body.length).toBeGreaterThan(128 * 1024);
    expect(JSON.parse(request.body).data).toEqual(payload);
    expect((await verifies(endpoint.secret, request)).verified).toBe(true);
  });

  it("retries a failing endpoint until it answers 2xx, keeping the webhook-id and logging every attempt", async () => {
    const { tenant, api } = await givenTenant();
    const endpoint = await givenEndpoint(api, { behaviour: "fail-twice" });
    await publish(tenant.id, "after_order_create");

    const [delivery] = await settledDeliveries(api, endpoint.id, 1);
    expect(delivery?.status).toBe("succeeded");
    expect(delivery?.attempts.map((a) => [a.attempt, a.outcome, a.status_code])).toEqual([
      [1, "failed", 503],
      [2, "failed", 503],
      [3, "succeeded", 200],
    ]);
    expect(delivery?.attempts[0]?.error).toMatch(/^HTTP 503/);
    expect(delivery?.attempts[0]?.response_excerpt).toBe('{"try":"again"}');
    expect(delivery?.attempts[2]?.response_excerpt).toBe('{"received":true}');
    for (const a of delivery?.attempts ?? []) expect(a.duration_ms).toBeGreaterThanOrEqual(0);

    const requests = await requestsTo(endpoint.path);
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((r) => r.headers["webhook-id"]))).toEqual(new Set([delivery?.id]));
    for (const r of requests) expect((await verifies(endpoint.secret, r)).verified).toBe(true);
  });

  it("counts an endpoint that does not answer in time as a failed attempt, and retries", async () => {
    const { tenant, api } = await givenTenant();
    const endpoint = await givenEndpoint(api, { behaviour: "slow-once" });
    await publish(tenant.id, "after_order_create");

    const [delivery] = await settledDeliveries(api, endpoint.id, 1);
    expect(delivery?.status).toBe("succeeded");
    expect(delivery?.attempts.map((a) => a.outcome)).toEqual(["timeout", "succeeded"]);
    expect(delivery?.attempts[0]?.error).toBe("no answer within 2000 ms");
    expect(delivery?.attempts[0]?.duration_ms).toBeGreaterThanOrEqual(1900);
  });

  it("does not follow redirects: a 3xx is a failed attempt", async () => {
    const { tenant, api } = await givenTenant();
    const endpoint = await givenEndpoint(api, { behaviour: "redirect" });
    await publish(tenant.id, "after_order_create");
    const [delivery] = await eventually(
      () => deliveriesOf(api, endpoint.id),
      (ds) => (ds[0]?.attempts.length ?? 0) >= 1,
    );
    expect(delivery?.attempts[0]).toMatchObject({ outcome: "failed", status_code: 302 });
    expect(await requestsTo(endpoint.path.replace("/redirect/", "/ok/"))).toEqual([]);
  });

  it("keeps only the first KiB of a response in the attempt log", async () => {
    const { tenant, api } = await givenTenant();
    const endpoint = await givenEndpoint(api, { behaviour: "always-500" });
    await publish(tenant.id, "after_order_create");
    const [delivery] = await eventually(
      () => deliveriesOf(api, endpoint.id),
      (ds) => (ds[0]?.attempts.length ?? 0) >= 1,
    );
    const excerpt = delivery?.attempts[0]?.response_excerpt ?? "";
    expect(excerpt.startsWith("boom xxx")).toBe(true);
    expect(excerpt).toHaveLength(1024);
  });
});

describe("secret rotation", () => {
  it("signs with both secrets during the overlap, so either verifies", async () => {
    const { tenant, api } = await givenTenant();
    const endpoint = await givenEndpoint(api);
    const rotated = await api<{ secret: string }>("POST", `/api/admin/webhooks/${endpoint.id}/rotate-secret`, {
      overlap_seconds: 3600,
    });
    await publish(tenant.id, "after_order_create");

    const [request] = await received(endpoint.path);
    if (!request) throw new Error("no request");
    expect(request.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    expect(await verifies(rotated.body.secret, request)).toEqual({ verified: true, error: null });
    expect(await verifies(endpoint.secret, request)).toEqual({ verified: true, error: null });
  });

  it("signs with the new secret alone once the overlap has ended", async () => {
    const { tenant, api } = await givenTenant();
    const endpoint = await givenEndpoint(api);
    const rotated = await api<{ secret: string }>("POST", `/api/admin/webhooks/${endpoint.id}/rotate-secret`, {
      overlap_seconds: 1,
    });
    await new Promise((r) => setTimeout(r, 1100));
    await publish(tenant.id, "after_order_create");

    const [request] = await received(endpoint.path);
    if (!request) throw new Error("no request");
    expect(request.headers["webhook-signature"]?.split(" ")).toHaveLength(1);
    expect((await verifies(rotated.body.secret, request)).verified).toBe(true);
    expect((await verifies(endpoint.secret, request)).verified).toBe(false);
  });

  it("takes a secret the tenant brings and drops the old one at once with no overlap", async () => {
    const { tenant, api } = await givenTenant();
    const endpoint = await givenEndpoint(api);
    const secret = `whsec_${btoa("n".repeat(24))}`;
    const rotated = await api<{ secret: string; previous_secret_until: string | null }>(
      "POST",
      `/api/admin/webhooks/${endpoint.id}/rotate-secret`,
      { secret, overlap_seconds: 0 },
    );
    expect(rotated.body).toEqual({ secret, previous_secret_until: null });
    await publish(tenant.id, "after_order_create");
    const [request] = await received(endpoint.path);
    if (!request) throw new Error("no request");
    expect((await verifies(secret, request)).verified).toBe(true);
    expect((await verifies(endpoint.secret, request)).verified).toBe(false);
  });
});
