import { describe, expect, it } from "vitest";
import { MAX_ATTEMPTS, RETRY_DELAYS_SECONDS, retryDelaySeconds } from "../../api/src/webhooks/index.ts";
import { givenTenant } from "../helpers.ts";

const unscaled = { retryScale: 1, timeoutMs: 15_000, disableAfter: 5 };

describe("the retry schedule", () => {
  it("follows Svix's: at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h", () => {
    expect(RETRY_DELAYS_SECONDS).toEqual([5, 300, 1800, 7200, 18_000, 36_000, 36_000]);
    expect(MAX_ATTEMPTS).toBe(8);
    const middle = () => 0.5;
    expect(Array.from({ length: MAX_ATTEMPTS }, (_, i) => retryDelaySeconds(i + 1, unscaled, middle))).toEqual([
      5,
      300,
      1800,
      7200,
      18_000,
      36_000,
      36_000,
      null,
    ]);
  });

  it("jitters each delay by at most 10 % and stays within Queues' 24-hour delay cap", () => {
    expect(retryDelaySeconds(6, unscaled, () => 0)).toBe(32_400);
    expect(retryDelaySeconds(6, unscaled, () => 0.999999)).toBe(39_600);
    expect(retryDelaySeconds(7, { ...unscaled, retryScale: 10 }, () => 0.5)).toBe(86_400);
  });

  it("scales every delay by WEBHOOK_RETRY_SCALE", () => {
    expect(retryDelaySeconds(4, { ...unscaled, retryScale: 0.001 }, () => 0.5)).toBe(7);
  });
});

describe("the OpenAPI document", () => {
  it("describes the webhook admin routes", async () => {
    const { api } = await givenTenant();
    const res = await api<{ paths: Record<string, Record<string, unknown>> }>("GET", "/api/openapi.json");
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        "/api/admin/webhooks",
        "/api/admin/webhooks/{id}",
        "/api/admin/webhooks/{id}/rotate-secret",
        "/api/admin/webhooks/{id}/enable",
        "/api/admin/webhooks/{id}/replay",
        "/api/admin/webhooks/{id}/deliveries",
      ]),
    );
    expect(Object.keys(res.body.paths["/api/admin/webhooks/{id}"] ?? {}).sort()).toEqual(["delete", "get", "patch"]);
  });
});
