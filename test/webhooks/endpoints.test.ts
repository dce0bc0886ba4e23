import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../api/src/app.ts";
import { type ErrorResponse, givenTenant, inLedgers } from "../helpers.ts";
import { givenEndpoint, publish, settledDeliveries } from "./fixtures.ts";
import { receiverPath, receiverUrl } from "./receiver.ts";

interface EndpointView {
  id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  disabled_reason: string | null;
  previous_secret_until: string | null;
}

const validUrl = () => receiverUrl(receiverPath("ok"));
const issuesOf = (body: unknown) =>
  ((body as ErrorResponse).error.details as { issues: { field: string; message: string }[] }).issues;

describe("registering webhook endpoints", () => {
  it("registers an endpoint and shows its generated whsec_ secret once", async () => {
    const { api } = await givenTenant();
    const url = validUrl();
    const res = await api<{ endpoint: EndpointView; secret: string }>("POST", "/api/admin/webhooks", {
      url,
      events: ["after_order_create", "event:invoice.sent"],
      description: "ERP sync",
    });
    expect(res.status).toBe(201);
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(res.body.endpoint).toMatchObject({
      url,
      description: "ERP sync",
      events: ["after_order_create", "event:invoice.sent"],
      enabled: true,
      disabled_reason: null,
    });
    expect(res.body.endpoint.id).toMatch(/^ep_[0-9a-f]{32}$/);
  });

  it("never answers the secret on list or get, and stores it encrypted", async () => {
    const { api } = await givenTenant();
    const { id, secret } = await givenEndpoint(api);

    const list = await api("GET", "/api/admin/webhooks");
    const get = await api("GET", `/api/admin/webhooks/${id}`);
    expect(list.status).toBe(200);
    expect(get.status).toBe(200);
    for (const body of [list.body, get.body]) {
      expect(JSON.stringify(body)).not.toContain(secret);
      expect(JSON.stringify(body)).not.toContain('secret":');
    }

    const [row] = await inLedgers<{ secret: string }>("SELECT secret FROM webhook_endpoints WHERE id = ?", id);
    expect(row?.secret).toMatch(/^enc:v1:/);
    expect(row?.secret).not.toContain(secret.slice("whsec_".length));
  });

  it("keeps a secret the tenant brings", async () => {
    const { api } = await givenTenant();
    const secret = `whsec_${btoa("s".repeat(32))}`;
    const res = await api<{ secret: string }>("POST", "/api/admin/webhooks", {
      url: validUrl(),
      events: ["*"],
      secret,
    });
    expect(res.status).toBe(201);
    expect(res.body.secret).toBe(secret);
  });

  it.each([
    ["a URL that is not one", { url: "not a url" }, "url", /absolute http/],
    ["a non-http scheme", { url: "ftp://example.com/hooks" }, "url", /http or https, not ftp/],
    ["credentials in the URL", { url: "https://user:pw@example.com/hooks" }, "url", /user name or password/],
    ["no event types", { events: [] }, "events", /at least one/],
    ["an unknown event type", { events: ["after_order_created"] }, "events.0", /did you mean "after_order_create"/],
    ["a before hook", { events: ["before_payment_process"] }, "events.0", /before hook.*"after_payment_success"/],
    ["a malformed custom event", { events: ["event:"] }, "events.0", /not a valid custom event/],
    ["a secret without whsec_", { secret: "hunter2" }, "secret", /whsec_/],
    ["a secret too short", { secret: `whsec_${btoa("short")}` }, "secret", /24 to 64 bytes/],
    ["an unknown field", { colour: "blue" }, "(body)", /colour/],
  ])("refuses %s, naming the field", async (_, change, field, message) => {
    const { api } = await givenTenant();
    const res = await api<ErrorResponse>("POST", "/api/admin/webhooks", {
      url: validUrl(),
      events: ["after_order_create"],
      ...change,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    const issue = issuesOf(res.body).find((i) => i.field === field);
    expect(issue?.message ?? res.body.error.message).toMatch(message);
  });

  describe("without WEBHOOK_ALLOW_PRIVATE_URLS (production)", () => {
    const strict = { ...env, WEBHOOK_ALLOW_PRIVATE_URLS: undefined };
    async function register(token: string, url: string) {
      const res = await createApp().request(
        "/api/admin/webhooks",
        {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ url, events: ["after_order_create"] }),
        },
        strict,
        createExecutionContext(),
      );
      return { status: res.status, body: (await res.json()) as ErrorResponse };
    }

    it.each([
      ["loopback", "http://127.0.0.1:8794/ok", /127\.0\.0\.1 is loopback/],
      ["loopback written as a number", "http://2130706433/", /127\.0\.0\.1 is loopback/],
      ["a private network", "https://10.1.2.3/hooks", /is private/],
      ["cloud metadata", "http://169.254.169.254/latest/meta-data", /is linkLocal/],
      ["IPv6 loopback", "http://[::1]/hooks", /is loopback/],
      ["an IPv4-mapped private address", "http://[::ffff:192.168.0.1]/", /is private/],
      ["localhost", "http://localhost:3000/hooks", /names this machine/],
      ["an .internal name", "https://billing.internal/hooks", /private network/],
    ])("refuses %s", async (_, url, message) => {
      const { tokens } = await givenTenant();
      const res = await register(tokens.admin, url);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
      expect(issuesOf(res.body)).toEqual([{ field: "url", message: expect.stringMatching(message) }]);
    });

    it("accepts a public https URL", async () => {
      const { tokens } = await givenTenant();
      const res = await register(tokens.admin, "https://hooks.example.com/commerce");
      expect(res.status).toBe(201);
    });
  });

  it("updates url, events and description, and disables by hand", async () => {
    const { api } = await givenTenant();
    const { id } = await givenEndpoint(api);
    const url = validUrl();
    const res = await api<EndpointView>("PATCH", `/api/admin/webhooks/${id}`, {
      url,
      events: ["after_payment_success", "after_payment_success", "*"],
      description: "payments",
      enabled: false,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      url,
      events: ["after_payment_success", "*"],
      description: "payments",
      enabled: false,
      disabled_reason: "manual",
    });

    const enabled = await api<EndpointView>("POST", `/api/admin/webhooks/${id}/enable`);
    expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null });
  });

  it("refuses an empty update and a bad field in an update", async () => {
    const { api } = await givenTenant();
    const { id } = await givenEndpoint(api);
    const empty = await api<ErrorResponse>("PATCH", `/api/admin/webhooks/${id}`, {});
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/at least one of url, events/);
    const bad = await api<ErrorResponse>("PATCH", `/api/admin/webhooks/${id}`, { events: ["before_order_create"] });
    expect(bad.status).toBe(400);
    expect(issuesOf(bad.body)[0]?.field).toBe("events.0");
  });

  it("deletes an endpoint with its deliveries and their attempts", async () => {
    const { tenant, api } = await givenTenant();
    const { id } = await givenEndpoint(api);
    await publish(tenant.id, "after_order_create");
    const [delivery] = await settledDeliveries(api, id, 1);

    expect((await api("DELETE", `/api/admin/webhooks/${id}`)).status).toBe(204);
    const gone = await api<ErrorResponse>("GET", `/api/admin/webhooks/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe("WEBHOOK_ENDPOINT_NOT_FOUND");
    const left = [
      await inLedgers("SELECT 1 FROM webhook_deliveries WHERE endpoint_id = ?", id),
      await inLedgers("SELECT 1 FROM webhook_attempts WHERE delivery_id = ?", delivery?.id ?? null),
    ];
    expect(left.map((rows) => rows.length)).toEqual([0, 0]);
  });

  it("does not show or change another tenant's endpoint", async () => {
    const a = await givenTenant();
    const b = await givenTenant();
    const { id } = await givenEndpoint(a.api);
    expect((await b.api("GET", `/api/admin/webhooks/${id}`)).status).toBe(404);
    expect((await b.api("PATCH", `/api/admin/webhooks/${id}`, { enabled: false })).status).toBe(404);
    expect((await b.api("POST", `/api/admin/webhooks/${id}/rotate-secret`)).status).toBe(404);
    expect((await b.api("DELETE", `/api/admin/webhooks/${id}`)).status).toBe(404);
    expect((await b.api<{ endpoints: unknown[] }>("GET", "/api/admin/webhooks")).body.endpoints).toEqual([]);
  });

  it("lets a viewer read but not register, rotate or delete", async () => {
    const { api, as } = await givenTenant();
    const { id } = await givenEndpoint(api);
    const viewer = as("viewer");
    expect((await viewer("GET", `/api/admin/webhooks/${id}`)).status).toBe(200);
    expect((await viewer("GET", `/api/admin/webhooks/${id}/deliveries`)).status).toBe(200);
    for (const [method, path, body] of [
      ["POST", "/api/admin/webhooks", { url: validUrl(), events: ["*"] }],
      ["POST", `/api/admin/webhooks/${id}/rotate-secret`, undefined],
      ["DELETE", `/api/admin/webhooks/${id}`, undefined],
    ] as const) {
      const res = await viewer<ErrorResponse>(method, path, body);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("FORBIDDEN");
    }
  });

  it("lists the event types an endpoint can subscribe to", async () => {
    const { api } = await givenTenant();
    const res = await api<{ event_types: string[] }>("GET", "/api/admin/webhooks/event-types");
    expect(res.status).toBe(200);
    expect(res.body.event_types).toContain("after_order_complete");
    expect(res.body.event_types).not.toContain("before_order_create");
  });

  it("rotates the secret: the new one is returned once, the old one overlaps for 24 hours by default", async () => {
    const { api } = await givenTenant();
    const { id, secret } = await givenEndpoint(api);
    const res = await api<{ secret: string; previous_secret_until: string }>(
      "POST",
      `/api/admin/webhooks/${id}/rotate-secret`,
    );
    expect(res.status).toBe(200);
    expect(res.body.secret).toMatch(/^whsec_/);
    expect(res.body.secret).not.toBe(secret);
    const overlap = Date.parse(res.body.previous_secret_until) - Date.now();
    expect(overlap).toBeGreaterThan(23.9 * 3600_000);
    expect(overlap).toBeLessThanOrEqual(24 * 3600_000);

    const get = await api<EndpointView>("GET", `/api/admin/webhooks/${id}`);
    expect(get.body.previous_secret_until).toBe(res.body.previous_secret_until);
    expect(JSON.stringify(get.body)).not.toContain(res.body.secret);

    const tooLong = await api<ErrorResponse>("POST", `/api/admin/webhooks/${id}/rotate-secret`, {
      overlap_seconds: 30 * 24 * 3600,
    });
    expect(tooLong.status).toBe(400);
    expect(issuesOf(tooLong.body)[0]?.field).toBe("overlap_seconds");
  });
});
