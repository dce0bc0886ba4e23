/** Plugin endpoints in a browser flow: redirects answered as they are, cookies kept in the plugin's own jar. */

import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { givenTenantWith } from "../helpers.ts";

const given = () => givenTenantWith({ "web-flow": { signing_secret: "whsec_test" } });

const storePath = (tenantSlug: string, path: string) =>
  `http://commerce.test/api/stores/${tenantSlug}/plugins/web-flow${path}`;

describe("a plugin endpoint in a browser flow", () => {
  it("answers a redirect as it is, with its cookie renamed into its jar and pinned under its own path", async () => {
    const { tenant } = await given();
    const res = await SELF.fetch(storePath(tenant.slug, "/start?state=abc"), { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("https://idp.example/authorize?state=abc");
    expect(res.headers.getSetCookie()).toEqual([
      `dcp.web-flow.state=abc; Max-Age=600; Path=/api/stores/${tenant.slug}/plugins/web-flow/callback; HttpOnly; Secure; SameSite=Lax`,
    ]);
    expect(res.headers.get("x-trace-id")).toMatch(/^tr_/);
  });

  it("hands the plugin its own cookies by the names it chose, and never the store's session or another plugin's", async () => {
    const { tenant } = await given();
    const res = await SELF.fetch(storePath(tenant.slug, "/callback"), {
      headers: { cookie: "dcp_session=ses_secret; dcp.web-flow.state=abc; dcp.other-plugin.token=xyz; theme=dark" },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ cookie: "state=abc" });
    // clearing its cookie clears its own
    expect(res.headers.getSetCookie()[0]).toMatch(/^dcp\.web-flow\.state=; Max-Age=0; Path=\/api\/stores\//);
  });

  it("cannot set a cookie for the whole site or another domain, or clear the site's data", async () => {
    const { tenant } = await given();
    const res = await SELF.fetch(storePath(tenant.slug, "/greedy"));
    expect(res.status).toBe(200);
    expect(res.headers.get("clear-site-data")).toBeNull();
    expect(res.headers.get("x-plugin")).toBe("web-flow");
    // renamed into its jar, under its path, without the Domain; the nameless one is refused and recorded
    expect(res.headers.getSetCookie()).toEqual([
      `dcp.web-flow.dcp_session=stolen; Path=/api/stores/${tenant.slug}/plugins/web-flow`,
    ]);
    const refused = await ledgerDb(env, tenant.id)
      .prepare(
        "SELECT detail FROM plugin_security_events WHERE tenant_id = ? AND slug = 'web-flow' AND kind = 'invalid_cookie'",
      )
      .bind(tenant.id)
      .first<{ detail: string }>();
    expect(refused?.detail).toContain("=nameless");
  });

  it("refuses a token of another store on a store's path", async () => {
    const { tenant } = await given();
    const other = await givenTenantWith({});
    const res = await SELF.fetch(storePath(tenant.slug, "/start"), {
      headers: { authorization: `Bearer ${other.tokens.admin}` },
      redirect: "manual",
    });
    expect(res.status).toBe(403);
  });

  it("answers 404 for a store that does not exist", async () => {
    const res = await SELF.fetch(storePath("no-such-store", "/start"), { redirect: "manual" });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("no-such-store");
  });
});
