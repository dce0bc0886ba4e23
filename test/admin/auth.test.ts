import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { client, type ErrorResponse, givenReferencePlugins, givenTenant } from "../helpers.ts";

beforeAll(async () => {
  await givenReferencePlugins();
});

const reads = [
  "/api/admin/plugins/available",
  "/api/admin/plugins/installed",
  "/api/admin/plugins/graph/dependencies",
  "/api/admin/plugins/core-utils",
  "/api/admin/plugins/core-utils/dependencies",
  "/api/admin/plugins/core-utils/health",
];
const writes: [string, string][] = [
  ["POST", "/api/admin/plugins/core-utils/install"],
  ["POST", "/api/admin/plugins/core-utils/activate"],
  ["POST", "/api/admin/plugins/core-utils/deactivate"],
  ["DELETE", "/api/admin/plugins/core-utils"],
  ["PUT", "/api/admin/plugins/core-utils/config"],
];

describe("authentication", () => {
  it.each(reads)("answers GET %s with 401 without a token", async (path) => {
    const res = await client()<ErrorResponse>("GET", path);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("UNAUTHENTICATED");
  });

  it("answers 401 to a token that does not exist", async () => {
    const res = await client("dcp_not-a-real-token")<ErrorResponse>("GET", "/api/admin/plugins/installed");
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe("The API token is not valid.");
  });

  it("answers 401 to credentials that are not a bearer token", async () => {
    const { tokens } = await givenTenant();
    const res = await SELF.fetch("http://commerce.test/api/admin/plugins/installed", {
      headers: { authorization: `Basic ${btoa(`demo:${tokens.owner}`)}` },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as ErrorResponse).error.code).toBe("UNAUTHENTICATED");
  });
});

describe("roles", () => {
  it.each(reads)("lets a viewer read %s", async (path) => {
    const { as } = await givenTenant();
    const res = await as("viewer")("GET", path);
    expect(res.status).toBe(200);
  });

  it.each(writes)("forbids a viewer to %s %s", async (method, path) => {
    const { as } = await givenTenant();
    const res = await as("viewer")<ErrorResponse>(method, path, method === "PUT" ? {} : undefined);
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      code: "FORBIDDEN",
      message: "This needs the admin role; the token has viewer.",
    });
  });

  it("lets an owner change plugins", async () => {
    const { as } = await givenTenant();
    const res = await as("owner")("POST", "/api/admin/plugins/core-utils/install");
    expect(res.status).toBe(201);
  });
});

describe("tenant isolation", () => {
  it("never shows or changes one tenant's plugins with another tenant's token", async () => {
    const a = await givenTenant();
    const b = await givenTenant();
    await a.api("POST", "/api/admin/plugins/stripe-gateway/install");
    const put = await a.api("PUT", "/api/admin/plugins/stripe-gateway/config", { secret_key: "sk_test_tenant_a" });
    expect(put.status).toBe(200);

    const installed = await b.api<{ plugins: unknown[] }>("GET", "/api/admin/plugins/installed");
    expect(installed.body.plugins).toEqual([]);
    const config = await b.api<ErrorResponse>("GET", "/api/admin/plugins/stripe-gateway/config");
    expect(config.status).toBe(409);
    const deactivate = await b.api<ErrorResponse>("DELETE", "/api/admin/plugins/stripe-gateway");
    expect(deactivate.status).toBe(409);

    const still = await a.api<{ plugins: { slug: string }[] }>("GET", "/api/admin/plugins/installed");
    expect(still.body.plugins.map((p) => p.slug)).toEqual(["core-utils", "stripe-gateway"]);
  });
});
