/** GET /api/admin/whoami: what a client learns about its token (admin-cli login and --tenant check it). */
import { describe, expect, it } from "vitest";
import { client, type ErrorResponse, givenTenant } from "../helpers.ts";

interface WhoAmI {
  tenant: { id: string; slug: string; name: string };
  role: string;
  scopes: string[];
}

describe("whoami", () => {
  it.each(["owner", "admin", "viewer"] as const)("tells a %s token its tenant, role and scopes", async (role) => {
    const { tenant, as } = await givenTenant();
    const res = await as(role)<WhoAmI>("GET", "/api/admin/whoami");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name }, role, scopes: [] });
  });

  it("lists the scopes a token was issued with", async () => {
    const { publisher } = await givenTenant();
    const { api } = await publisher();
    const res = await api<WhoAmI>("GET", "/api/admin/whoami");
    expect(res.body).toMatchObject({ role: "admin", scopes: ["plugins:publish"] });
  });

  it("answers each tenant's token with that tenant", async () => {
    const a = await givenTenant();
    const b = await givenTenant();
    expect((await a.api<WhoAmI>("GET", "/api/admin/whoami")).body.tenant.slug).toBe(a.tenant.slug);
    expect((await b.api<WhoAmI>("GET", "/api/admin/whoami")).body.tenant.slug).toBe(b.tenant.slug);
  });

  it.each([
    ["no token", undefined, "Send an API token as 'Authorization: Bearer <token>'."],
    ["a token that does not exist", "dcp_not-a-real-token", "The API token is not valid."],
  ])("answers 401 to %s", async (_what, token, message) => {
    const res = await client(token)<ErrorResponse>("GET", "/api/admin/whoami");
    expect(res.status).toBe(401);
    expect(res.body.error).toEqual({ code: "UNAUTHENTICATED", message });
  });
});
