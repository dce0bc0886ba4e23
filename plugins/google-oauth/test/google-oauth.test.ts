/**
 * google-oauth against a real OpenID provider on loopback (test/peers/oidc, panva's oidc-provider
 * configured like Google's), driven headlessly as a browser would: the store's /start, the
 * provider's sign-in, the store's /callback. A sign-in becomes a store user and session with the
 * store's cookie set by the platform; every refusal answers a clear error and commits
 * authentication_failed saying why. One file, run in order: the peer's knobs are shared.
 */
import { env } from "cloudflare:test";
import * as oauth from "oauth4webapi";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { forwarded } from "../../../api/src/plugin-api/routes.ts";
import { callPluginMethod, findTarget } from "../../../api/src/sandbox/index.ts";
import { committedBy, topicsOf } from "../../../test/commerce/given.ts";
import { eventually, givenSandboxDeps, inLedgers } from "../../../test/helpers.ts";
import { OIDC_PEER } from "../../../test/peers/ports.ts";
import {
  BASE_PATH,
  Browser,
  CALLBACK_URI,
  configure,
  failureOf,
  givenOauthStore,
  type OauthStore,
  ORIGIN,
  peer,
  sessionById,
  sessionsOpenedBy,
  signInThrough,
} from "./given.ts";

let store: OauthStore;

beforeAll(async () => {
  store = await givenOauthStore();
});
afterEach(async () => {
  await peer.reset();
  await configure(store);
});

const sessionCookieOf = (res: Response) => res.headers.getSetCookie().filter((c) => c.startsWith("dcp_session="));

interface ErrorPage {
  status: number;
  code: string;
  message: string;
}

/** An error page read as JSON (a client that asks for JSON gets the platform's error shape). */
async function errorOf(res: Response): Promise<ErrorPage> {
  const text = await res.text();
  const html = /<p>(.*?)<\/p><p><small>(.*?)<\/small>/s.exec(text);
  if (html) return { status: res.status, code: String(html[2]), message: String(html[1]) };
  const { error } = JSON.parse(text) as { error: { code: string; message: string } };
  return { status: res.status, ...error };
}

describe("signing in with the provider", () => {
  it("redirects to the provider with PKCE S256, state, nonce and Google's scopes, binding the state to this browser", async () => {
    const browser = new Browser();
    const res = await browser.get("start?return_to=/account");
    expect(res.status).toBe(302);
    const location = new URL(String(res.headers.get("location")));
    expect(`${location.origin}${location.pathname}`).toBe(`${OIDC_PEER.issuer}/auth`);
    const params = Object.fromEntries(location.searchParams);
    expect(params).toMatchObject({
      client_id: OIDC_PEER.client.client_id,
      redirect_uri: CALLBACK_URI,
      response_type: "code",
      scope: "openid email profile",
      code_challenge_method: "S256",
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      access_type: "offline",
    });
    // the state lives in the plugin's own jar, only for its callback, for ten minutes
    expect(res.headers.getSetCookie()).toEqual([
      `dcp.google-oauth.state=${params.state}; Max-Age=600; Path=${BASE_PATH}/callback; HttpOnly; Secure; SameSite=Lax`,
    ]);
  });

  it("turns the callback into a store user and session, sets dcp_session itself, and fires the sign-in hooks", async () => {
    const browser = new Browser();
    const { callback, callbackUrl, traceId } = await signInThrough(browser, "ada@example.com", "/account?tab=orders");
    expect(callback.status, await callback.clone().text()).toBe(302);
    expect(callback.headers.get("location")).toBe("/account?tab=orders");

    const [session, ...others] = await sessionsOpenedBy(traceId);
    expect(others).toEqual([]);
    expect(session).toMatchObject({
      provider: "google-oauth",
      email: "ada@example.com",
      provider_user_id: expect.stringMatching(/^1\d{20}$/),
      user_id: expect.stringMatching(/^usr_/),
      revoked_at: null,
      trace_id: traceId,
    });
    // the platform's cookie, set once, for the whole store; the state cookie is cleared
    expect(sessionCookieOf(callback)).toEqual([
      expect.stringMatching(
        new RegExp(`^dcp_session=${session?.id}; Max-Age=86(399|400); Path=/; HttpOnly; Secure; SameSite=Lax$`),
      ),
    ]);
    expect(callback.headers.getSetCookie()).toContain(
      `dcp.google-oauth.state=; Max-Age=0; Path=${BASE_PATH}/callback; HttpOnly; Secure; SameSite=Lax`,
    );

    const [user] = await inLedgers<{ email: string; name: string; metadata: string }>(
      "SELECT email, name, metadata FROM users WHERE id = ?",
      session?.user_id ?? null,
    );
    expect(user).toMatchObject({ email: "ada@example.com", name: "Ada Lovelace" });
    expect(JSON.parse(String(user?.metadata))).toEqual({
      provider: "google-oauth",
      provider_user_id: session?.provider_user_id,
    });

    const events = await committedBy(traceId);
    expect(topicsOf(events)).toEqual([
      "after_user_create",
      "analytics:user_created",
      "after_authenticate",
      "user_login",
      "analytics:user_signed_in",
    ]);
    // before_authenticate ran (test-store-rules noted it) before the plugin was asked
    expect(events[2]?.payload).toMatchObject({
      credentials: { provider: "google-oauth", metadata: { checked_by: "test-store-rules" } },
      user: { email: "ada@example.com", id: session?.user_id },
    });
    expect(events[3]?.payload).toMatchObject({ session_id: session?.id });
    const trace = await eventually(async () => {
      const res = await store.api<{ before_hooks: { hook: string; steps: { plugin: string }[] }[] }>(
        "GET",
        `/api/admin/traces/${traceId}`,
      );
      return res.status === 200 && res.body.before_hooks.length > 0 ? res.body : undefined;
    });
    expect(trace.before_hooks.map((h) => h.hook)).toContain("before_authenticate");
    // what reached the outbox names no code, state or token
    const code = String(new URL(callbackUrl).searchParams.get("code"));
    expect(JSON.stringify(events)).not.toContain(code);
  });

  it("signs the same account in again as the same store user, without creating another", async () => {
    const first = await signInThrough(new Browser(), "ada@example.com");
    const second = await signInThrough(new Browser(), "ada@example.com");
    const [a] = await sessionsOpenedBy(first.traceId);
    const [b] = await sessionsOpenedBy(second.traceId);
    expect(b?.user_id).toBe(a?.user_id);
    expect(b?.id).not.toBe(a?.id);
    expect(topicsOf(await committedBy(second.traceId))).not.toContain("after_user_create");
  });

  it("accepts Google's other spelling of the issuer (without its scheme) in the ID token", async () => {
    await peer.misbehave("alternate_issuer");
    const { callback, traceId } = await signInThrough(new Browser());
    expect(callback.status, await callback.clone().text()).toBe(302);
    expect(await sessionsOpenedBy(traceId)).toHaveLength(1);
  });

  it("returns to an allowed origin, and refuses one that is not (no open redirect)", async () => {
    await configure(store, { allowed_return_origins: "https://shop.example.com" });
    const ok = await signInThrough(new Browser(), "ada@example.com", "https://shop.example.com/welcome");
    expect(ok.callback.headers.get("location")).toBe("https://shop.example.com/welcome");
    for (const target of ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]) {
      const res = await new Browser().get(`start?return_to=${encodeURIComponent(target)}`, {
        headers: { accept: "application/json" },
      });
      expect(res.status, target).toBe(400);
      expect(res.headers.get("location")).toBeNull();
      const error = await errorOf(res);
      expect(error.code).toBe("INVALID_CREDENTIALS");
      expect(error.message).toContain("return_to");
    }
  });

  it("never hands the plugin the store's session cookie or another plugin's, only its own state", () => {
    const request = new Request(`${ORIGIN}${BASE_PATH}/callback?code=c&state=s`, {
      headers: { cookie: "dcp_session=ses_secret; dcp.google-oauth.state=s; dcp.web-flow.state=x; theme=dark" },
    });
    expect(forwarded(request, "/callback", "google-oauth").headers.get("cookie")).toBe("state=s");
  });
});

describe("refusing a sign-in, with a clear error and authentication_failed", () => {
  /** A started flow whose provider answer the test then tampers with. */
  async function givenProviderAnswer(email = "ada@example.com") {
    const browser = new Browser();
    const started = await browser.get("start");
    const authorizationUrl = String(started.headers.get("location"));
    const callbackUrl = new URL(await peer.signIn(authorizationUrl, email));
    return { browser, callbackUrl, state: String(new URL(authorizationUrl).searchParams.get("state")) };
  }

  async function expectRefused(res: Response, code: string, message: string | RegExp) {
    const error = await errorOf(res);
    expect(error, JSON.stringify(error)).toMatchObject({ status: 400, code });
    expect(error.message).toMatch(message);
    expect(sessionCookieOf(res)).toEqual([]);
    const traceId = String(res.headers.get("x-trace-id"));
    const failed = await failureOf(traceId);
    expect(failed?.payload).toMatchObject({
      credentials: { provider: "google-oauth" },
      error: expect.stringMatching(message),
    });
    expect(await sessionsOpenedBy(traceId)).toEqual([]);
    return failed;
  }

  it("refuses a replayed state: a callback is accepted once", async () => {
    const { browser, callbackUrl } = await givenProviderAnswer();
    const state = browser.cookie("dcp.google-oauth.state");
    const first = await browser.get(callbackUrl.href);
    expect(first.status).toBe(302);
    // an attacker replaying the same callback with the same state cookie
    const again = await new Browser().get(callbackUrl.href, {
      headers: { cookie: `dcp.google-oauth.state=${state}` },
    });
    await expectRefused(again, "STATE_REPLAYED", /already used/);
  });

  it("refuses a callback without a state", async () => {
    const { browser, callbackUrl } = await givenProviderAnswer();
    callbackUrl.searchParams.delete("state");
    await expectRefused(await browser.get(callbackUrl.href), "STATE_MISSING", /no state/);
  });

  it("refuses a state this browser did not start (login CSRF)", async () => {
    const victim = await givenProviderAnswer();
    const attacker = new Browser();
    await attacker.get("start");
    await expectRefused(await attacker.get(victim.callbackUrl.href), "STATE_MISMATCH", /not the one this browser/);
    const cookieless = await new Browser().get(victim.callbackUrl.href);
    await expectRefused(cookieless, "STATE_MISMATCH", /not the one this browser/);
  });

  it("refuses the provider's error answer, in the provider's words", async () => {
    const { browser, state } = await givenProviderAnswer();
    const res = await browser.get(
      `callback?error=access_denied&error_description=${encodeURIComponent("The user said no")}&state=${state}`,
    );
    await expectRefused(res, "PROVIDER_ERROR", /access_denied \(The user said no\)/);
  });

  it.each([
    ["wrong_nonce", "NONCE_MISMATCH", /nonce/],
    ["expired", "TOKEN_EXPIRED", /expired/],
    ["wrong_audience", "WRONG_AUDIENCE", /another application/],
    ["foreign_key", "BAD_SIGNATURE", /signature/],
  ] as const)("refuses an ID token that misbehaves as %s (%s)", async (kind, code, message) => {
    await peer.misbehave(kind);
    const { callback } = await signInThrough(new Browser());
    await expectRefused(callback, code, message);
  });

  it("refuses an email the provider has not verified", async () => {
    const { callback } = await signInThrough(new Browser(), "unverified@example.com");
    await expectRefused(callback, "EMAIL_UNVERIFIED", /unverified@example.com is not verified/);
  });

  it("refuses accounts outside the allowed hosted domains, and takes those inside", async () => {
    await configure(store, { allowed_domains: "example.com" });
    for (const email of ["eve@other.test", "grace@gmail.test"]) {
      const { callback, authorizationUrl } = await signInThrough(new Browser(), email);
      // Google's account chooser is told the domain; the hd claim is what counts
      expect(new URL(authorizationUrl).searchParams.get("hd")).toBe("example.com");
      await expectRefused(callback, "DOMAIN_NOT_ALLOWED", /only accounts of example.com may/);
    }
    const ada = await signInThrough(new Browser(), "ada@example.com");
    expect(ada.callback.status).toBe(302);
  });

  it("answers the platform's JSON error shape to a client that asks for JSON", async () => {
    const { browser, callbackUrl } = await givenProviderAnswer();
    callbackUrl.searchParams.delete("state");
    const res = await browser.get(callbackUrl.href, { headers: { accept: "application/json" } });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({
      error: { code: "STATE_MISSING", message: expect.stringContaining("no state") },
    });
  });
});

describe("a signed-in browser", () => {
  it("signs out: the session is revoked, user_logout fires, the platform clears the cookie, the provider's token is revoked", async () => {
    const browser = new Browser();
    const { traceId } = await signInThrough(browser);
    const [session] = await sessionsOpenedBy(traceId);
    const res = await browser.post("sign-out", undefined, { headers: { origin: ORIGIN } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ signed_out: true, provider_token_revoked: true });
    expect(sessionCookieOf(res)).toEqual(["dcp_session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax"]);
    expect((await sessionById(String(session?.id)))?.revoked_at).not.toBeNull();
    const events = await committedBy(res.headers.get("x-trace-id"));
    expect(topicsOf(events)).toEqual(["user_logout", "analytics:user_signed_out"]);
    expect(events[0]?.payload).toMatchObject({ session_id: session?.id, user: { email: "ada@example.com" } });
    // the browser no longer holds a session: signing out again changes nothing
    const again = await browser.post("sign-out");
    expect(await again.json()).toMatchObject({ signed_out: false });
  });

  it("refuses a sign-out posted from another site's page", async () => {
    const browser = new Browser();
    await signInThrough(browser);
    const res = await browser.post("sign-out", undefined, { headers: { origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect(sessionCookieOf(res)).toEqual([]);
  });

  it("refreshes the session's access token with the refresh token kept for it", async () => {
    const browser = new Browser();
    await signInThrough(browser);
    const res = await browser.post("refresh");
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { access_token: string; expires_at: string; refresh_token?: string };
    expect(body.access_token).toEqual(expect.any(String));
    expect(Date.parse(body.expires_at)).toBeGreaterThan(Date.now());
    // a session's refresh token stays server-side
    expect(body.refresh_token).toBeUndefined();
  });

  it("refuses a refresh without a refresh token or session, and one the provider does not know", async () => {
    const none = await new Browser().post("refresh");
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: "NO_REFRESH_TOKEN" } });
    const unknown = await new Browser().post("refresh", { refresh_token: "not-a-refresh-token" });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      error: { code: "REFRESH_FAILED", message: expect.stringContaining("invalid_grant") },
    });
  });
});

/** The store's own backend (or an app) signing in through the commerce API, with the store's token. */
const commerceSignIn = (credentials: Record<string, unknown>) =>
  store.api<
    {
      session: { id: string; email: string };
      user: { id: string; roles?: string[] };
      token: string;
      refresh_token?: string;
    } & {
      error?: { code: string; details: { plugin_error: { code: string } } };
    }
  >("POST", "/api/commerce/auth/sign-in", { provider: "google-oauth", credentials });

describe("the AuthPlugin methods", () => {
  it("signs a store backend in with the callback's code, and refreshes with the refresh token it got", async () => {
    const browser = new Browser();
    const started = await browser.get("start");
    const callbackUrl = new URL(await peer.signIn(String(started.headers.get("location")), "ada@example.com"));
    const signed = await commerceSignIn({
      code: callbackUrl.searchParams.get("code"),
      state: callbackUrl.searchParams.get("state"),
      iss: callbackUrl.searchParams.get("iss"),
      browser_state: browser.cookie("dcp.google-oauth.state"),
    });
    expect(signed.status, JSON.stringify(signed.body)).toBe(201);
    expect(signed.body.refresh_token).toEqual(expect.any(String));
    const refreshed = await new Browser().post("refresh", { refresh_token: signed.body.refresh_token });
    expect(refreshed.status, await refreshed.clone().text()).toBe(200);
    const renewed = (await refreshed.json()) as { access_token: string; refresh_token?: string };
    expect(renewed.access_token).toEqual(expect.any(String));

    // the AuthPlugin method itself, with the refresh token as it stands (the provider may have rotated it)
    const target = await findTarget(env, store.tenant.id, "google-oauth");
    if (!target) throw new Error("google-oauth is not installed");
    const token = await callPluginMethod(givenSandboxDeps(), target, "refreshToken", [
      renewed.refresh_token ?? signed.body.refresh_token,
    ]);
    expect(token).toEqual(expect.any(String));
    expect(token).not.toBe(renewed.access_token);
  });

  it("signs an app in with its own Google ID token, checking the nonce when the app sends one", async () => {
    const { idToken, nonce } = await givenAppIdToken("ada@example.com");
    const ok = await commerceSignIn({ id_token: idToken, nonce });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.session.email).toBe("ada@example.com");
    const wrong = await commerceSignIn({ id_token: idToken, nonce: "another-nonce" });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error?.details.plugin_error.code).toBe("NONCE_MISMATCH");
    const unverified = await givenAppIdToken("unverified@example.com");
    const refused = await commerceSignIn({ id_token: unverified.idToken });
    expect(refused.body.error?.details.plugin_error.code).toBe("EMAIL_UNVERIFIED");
  });

  it("authorizes by the role mapping: listed addresses, then domains, then the default roles", async () => {
    await configure(store, {
      role_mapping: {
        emails: { "ada@example.com": ["admin"] },
        domains: { "example.com": ["staff"] },
        default: ["customer"],
        grants: { admin: ["*:*"], staff: ["orders:*", "products:read"], customer: ["products:read"] },
      },
    });
    const target = await findTarget(env, store.tenant.id, "google-oauth");
    if (!target) throw new Error("google-oauth is not installed");
    const may = (email: string, resource: string, action: string) =>
      callPluginMethod(givenSandboxDeps(), target, "authorize", [{ email }, resource, action]);
    expect(await may("ada@example.com", "plugins", "uninstall")).toBe(true);
    expect(await may("bob@example.com", "orders", "refund")).toBe(true);
    expect(await may("bob@example.com", "products", "delete")).toBe(false);
    expect(await may("grace@gmail.test", "products", "read")).toBe(true);
    expect(await may("grace@gmail.test", "orders", "read")).toBe(false);
    // the roles a sign-in reports come from the same mapping
    const signed = await commerceSignIn({ id_token: (await givenAppIdToken("ada@example.com")).idToken });
    expect(signed.body.user.roles).toEqual(["admin", "staff", "customer"]);
  });
});

describe("settings", () => {
  it.each([
    ["client_id", { client_id: "has spaces in it" }],
    ["client_secret", { client_secret: "short" }],
    ["issuer", { issuer: "ftp://accounts.example.com" }],
    ["allowed_domains", { allowed_domains: "example.com, not a domain" }],
    ["allowed_return_origins", { allowed_return_origins: "javascript:alert(1)" }],
    ["session_hours", { session_hours: 0 }],
    ["prompt", { prompt: "always" }],
  ])("refuses a bad %s, naming it", async (field, changes) => {
    const res = await store.api<{ error: { message: string } }>("PUT", "/api/admin/plugins/google-oauth/config", {
      client_id: OIDC_PEER.client.client_id,
      client_secret: OIDC_PEER.client.client_secret,
      issuer: OIDC_PEER.issuer,
      ...changes,
    });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain(field);
  });

  it.each([
    [
      { domains: { "Example.com": ["staff"] }, grants: { staff: [] } },
      'role_mapping.domains["Example.com"]: must be a lowercase domain name',
    ],
    [{ default: ["customer"], grants: {} }, 'role_mapping.default[0]: role "customer" has no entry in grants'],
    [{ grants: { staff: ["orders"] } }, 'role_mapping.grants.staff[0]: must be "resource:action"'],
    [
      { emails: { "not-an-address": ["staff"] }, grants: { staff: [] } },
      'role_mapping.emails["not-an-address"]: must be an email',
    ],
    [{ roles: {} }, 'role_mapping: Unrecognized key: "roles"'],
  ])("refuses to activate with a role mapping that does not read, naming the entry", async (mapping, named) => {
    expect((await store.api("POST", "/api/admin/plugins/google-oauth/deactivate")).status).toBe(200);
    await configure(store, { role_mapping: mapping });
    const res = await store.api<{ error: { code: string; message: string } }>(
      "POST",
      "/api/admin/plugins/google-oauth/activate",
    );
    expect(res.body.error?.message).toContain(named);
    expect(res.status).toBe(422);
    await configure(store);
    expect((await store.api("POST", "/api/admin/plugins/google-oauth/activate")).status).toBe(200);
  });
});

/**
 * What a mobile app holds after Sign in with Google: an ID token issued to the store's client. The
 * test plays the app's side of the flow itself, with oauth4webapi against the peer.
 */
async function givenAppIdToken(email: string): Promise<{ idToken: string; nonce: string }> {
  const http = { [oauth.allowInsecureRequests]: true } as const;
  const issuer = new URL(OIDC_PEER.issuer);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, http));
  const verifier = oauth.generateRandomCodeVerifier();
  const nonce = oauth.generateRandomNonce();
  const state = oauth.generateRandomState();
  const url = new URL(String(as.authorization_endpoint));
  url.search = new URLSearchParams({
    client_id: OIDC_PEER.client.client_id,
    redirect_uri: CALLBACK_URI,
    response_type: "code",
    scope: "openid email profile",
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
  }).toString();
  const client = { client_id: OIDC_PEER.client.client_id };
  const params = oauth.validateAuthResponse(as, client, new URL(await peer.signIn(url.href, email)), state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.ClientSecretPost(OIDC_PEER.client.client_secret),
    params,
    CALLBACK_URI,
    verifier,
    http,
  );
  const { id_token } = (await response.json()) as { id_token: string };
  return { idToken: id_token, nonce };
}
