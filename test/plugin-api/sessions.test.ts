/**
 * The sessions capability: an auth plugin's endpoint signs a browser into the store through the
 * platform's own sign-in, and the platform, not the plugin, sets and clears the store's session
 * cookie. The hostile cases: a non-auth plugin cannot ask for it, a plugin without it has no
 * context.sessions, no plugin sees the cookie or another provider's session, sets the cookie, or
 * signs out a session it did not open.
 */
import { env, SELF } from "cloudflare:test";
import { pluginManifestSchema } from "@digital-commerce/plugin-sdk";
import { describe, expect, it } from "vitest";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { committedBy, topicsOf } from "../commerce/given.ts";
import { type ErrorResponse, givenPublished, givenTenant, givenTenantWith, inLedgers } from "../helpers.ts";

interface WhoAmI {
  has_sessions: boolean;
  session: { id: string; user_id: string | null; email: string; expires_at: string | null } | null;
  cookie: string | null;
}

async function givenProbeStore() {
  const store = await givenTenantWith({ "session-probe": {}, "no-sessions": {}, "test-auth": { password: "pw" } });
  const at = (slug: string, path: string) =>
    `http://commerce.test/api/stores/${store.tenant.slug}/plugins/${slug}${path}`;
  const probe = async (method: string, path: string, init: { body?: unknown; cookie?: string } = {}) => {
    const res = await SELF.fetch(at("session-probe", path), {
      method,
      headers: {
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        ...(init.cookie ? { cookie: init.cookie } : {}),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      redirect: "manual",
    });
    return res;
  };
  const signIn = async (email: string) => {
    const res = await probe("POST", "/sign-in", { body: { email } });
    const body = (await res.json()) as { signed: { session_id: string; user: { id: string }; expires_at: string } };
    return { res, body, sessionId: body.signed?.session_id };
  };
  /** A session another provider (test-auth) opened, through the commerce API. */
  const otherProvidersSession = async () => {
    const res = await store.api<{ session: { id: string } }>("POST", "/api/commerce/auth/sign-in", {
      provider: "test-auth",
      credentials: { email: "ada@example.com", password: "pw" },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.session.id;
  };
  return { ...store, at, probe, signIn, otherProvidersSession };
}

const sessionCookies = (res: Response) => res.headers.getSetCookie().filter((c) => c.startsWith("dcp_session="));

describe("who may hold the sessions capability", () => {
  it("refuses a manifest asking for sessions unless the plugin is an auth plugin", () => {
    const manifest = {
      name: "Greedy",
      slug: "greedy-utility",
      version: "1.0.0",
      category: "utility",
      permissions: { capabilities: ["sessions"] },
    };
    const result = pluginManifestSchema.safeParse(manifest);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: ["permissions", "capabilities"],
        message: expect.stringContaining('asks for "sessions", which only auth plugins may hold'),
      }),
    ]);
    expect(pluginManifestSchema.safeParse({ ...manifest, category: "auth" }).success).toBe(true);
  });

  it("refuses to publish such a manifest, naming the field", async () => {
    const { api } = await (await givenTenant()).publisher();
    const bundle = env.TEST_PLUGIN_BUNDLES["session-probe"];
    if (!bundle) throw new Error("session-probe was not bundled");
    const res = await api<ErrorResponse>("POST", "/api/admin/plugins", {
      manifest: { ...bundle.manifest, slug: "session-thief", category: "analytics" },
      code: bundle.code,
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("INVALID_MANIFEST");
    expect(res.body.error.message).toContain("permissions.capabilities: ");
  });

  it("shows the capability at install, like any permission", async () => {
    const store = await givenTenant();
    await givenPublished("session-probe");
    const res = await store.api<{ installed: { slug: string; permissions: { capabilities: string[] } }[] }>(
      "POST",
      "/api/admin/plugins/session-probe/install",
    );
    expect(res.status).toBe(201);
    expect(res.body.installed[0]?.permissions.capabilities).toEqual(["sessions"]);
  });

  it("gives a plugin without the grant no context.sessions, and never a session", async () => {
    const store = await givenProbeStore();
    const other = await store.otherProvidersSession();
    const res = await SELF.fetch(store.at("no-sessions", "/whoami"), { headers: { cookie: `dcp_session=${other}` } });
    expect(await res.json()).toEqual({ has_sessions: false, session: null, cookie: null });
  });
});

describe("signing a browser in through an auth plugin's endpoint", () => {
  it("runs the platform's sign-in with the plugin as provider, and the platform sets dcp_session", async () => {
    const store = await givenProbeStore();
    const { res, body, sessionId } = await store.signIn("ada@example.com");
    expect(res.status).toBe(200);
    expect(body.signed).toMatchObject({
      session_id: expect.stringMatching(/^ses_/),
      user: { id: "probe|ada@example.com" },
      expires_at: expect.any(String),
    });
    expect(sessionCookies(res)).toEqual([
      expect.stringMatching(
        new RegExp(`^dcp_session=${sessionId}; Max-Age=(3599|3600); Path=/; HttpOnly; Secure; SameSite=Lax$`),
      ),
    ]);
    const [row] = await inLedgers<{ provider: string; trace_id: string; user_id: string | null }>(
      "SELECT provider, trace_id, user_id FROM sessions WHERE id = ?",
      sessionId,
    );
    expect(row).toMatchObject({ provider: "session-probe", trace_id: res.headers.get("x-trace-id") });
    expect(row?.user_id).toMatch(/^usr_/);
    expect(topicsOf(await committedBy(res.headers.get("x-trace-id")))).toEqual([
      "after_user_create",
      "analytics:user_created",
      "after_authenticate",
      "user_login",
      "analytics:user_signed_in",
    ]);
  });

  it("hands the plugin a refusal as a SessionError with its own reason, fires authentication_failed, sets no cookie", async () => {
    const store = await givenProbeStore();
    const res = await store.probe("POST", "/sign-in", { body: { email: "refused@example.com" } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      refused: {
        name: "SessionError",
        code: "AUTHENTICATION_FAILED",
        reason: "PROBE_REFUSED",
        message: "session-probe refused the sign-in: session-probe refuses refused@example.com",
      },
    });
    expect(sessionCookies(res)).toEqual([]);
    expect(topicsOf(await committedBy(res.headers.get("x-trace-id")))).toEqual([
      "authentication_failed",
      "analytics:sign_in_failed",
    ]);
  });

  it("shows the plugin the session its cookie names, only when the plugin opened it and it is live, never the cookie", async () => {
    const store = await givenProbeStore();
    const { sessionId } = await store.signIn("ada@example.com");
    const mine = (await (await store.probe("GET", "/whoami", { cookie: `dcp_session=${sessionId}` })).json()) as WhoAmI;
    expect(mine).toEqual({
      has_sessions: true,
      session: {
        id: sessionId,
        user_id: expect.stringMatching(/^usr_/),
        email: "ada@example.com",
        expires_at: expect.any(String),
      },
      cookie: null,
    });
    const other = await store.otherProvidersSession();
    const theirs = (await (await store.probe("GET", "/whoami", { cookie: `dcp_session=${other}` })).json()) as WhoAmI;
    expect(theirs.session).toBeNull();
    await inLedgers(
      "UPDATE sessions SET expires_at = ? WHERE id = ?",
      new Date(Date.now() - 1000).toISOString(),
      sessionId,
    );
    const expired = (await (
      await store.probe("GET", "/whoami", { cookie: `dcp_session=${sessionId}` })
    ).json()) as WhoAmI;
    expect(expired.session).toBeNull();
  });

  it("signs the request's session out: user_logout, and the platform clears the cookie", async () => {
    const store = await givenProbeStore();
    const { sessionId } = await store.signIn("ada@example.com");
    const res = await store.probe("POST", "/sign-out", { cookie: `dcp_session=${sessionId}` });
    expect(await res.json()).toEqual({ signed_out: true });
    expect(sessionCookies(res)).toEqual(["dcp_session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax"]);
    expect(topicsOf(await committedBy(res.headers.get("x-trace-id")))).toEqual([
      "user_logout",
      "analytics:user_signed_out",
    ]);
    const without = await store.probe("POST", "/sign-out");
    expect(await without.json()).toMatchObject({ refused: { code: "NO_SESSION" } });
  });

  it("refuses to sign out a session another provider opened, and records the attempt", async () => {
    const store = await givenProbeStore();
    const other = await store.otherProvidersSession();
    const res = await store.probe("POST", `/sign-out?session=${other}`);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      refused: { code: "SESSION_NOT_YOURS", message: expect.stringContaining("may only sign out sessions it opened") },
    });
    const [row] = await inLedgers("SELECT revoked_at FROM sessions WHERE id = ?", other);
    expect(row).toEqual({ revoked_at: null });
    const recorded = await ledgerDb(env, store.tenant.id)
      .prepare(
        "SELECT detail FROM plugin_security_events WHERE tenant_id = ? AND slug = 'session-probe' AND kind = 'session_denied'",
      )
      .bind(store.tenant.id)
      .first<{ detail: string }>();
    expect(recorded?.detail).toContain(other);
  });

  it("cannot set the store's session cookie itself: its Set-Cookie is renamed into its jar", async () => {
    const store = await givenProbeStore();
    const res = await store.probe("GET", "/forge");
    expect(sessionCookies(res)).toEqual([]);
    expect(res.headers.getSetCookie()).toEqual([
      `dcp.session-probe.dcp_session=ses_forged; Path=/api/stores/${store.tenant.slug}/plugins/session-probe; HttpOnly`,
    ]);
  });
});
