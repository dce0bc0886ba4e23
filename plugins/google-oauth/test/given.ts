/**
 * What the google-oauth tests build: the one store whose redirect URI the OpenID peer knows
 * (test/global-setup.ts starts the peer with it), google-oauth configured against that peer, a
 * browser with a cookie jar that follows the platform's cookie paths, and the peer's control API
 * (its headless sign-in and its misbehaviour knobs).
 */
import { env, SELF } from "cloudflare:test";
import { parseSetCookie } from "cookie";
import { expect } from "vitest";
import { issueToken } from "../../../api/src/auth/index.ts";
import { createTenant } from "../../../api/src/tenants/index.ts";
import { committedBy, type OutboxRow } from "../../../test/commerce/given.ts";
import { type Client, client, givenPublished, givenTenantIds, inLedgers } from "../../../test/helpers.ts";
import { OIDC_PEER, OIDC_STORE } from "../../../test/peers/ports.ts";

export const ORIGIN = "http://commerce.test";
export const BASE_PATH = `/api/stores/${OIDC_STORE}/plugins/google-oauth`;
export const CALLBACK_URI = `${ORIGIN}${BASE_PATH}/callback`;

/** google-oauth against the peer, as an operator would configure it for a local provider. */
export const PEER_CONFIG = {
  client_id: OIDC_PEER.client.client_id,
  client_secret: OIDC_PEER.client.client_secret,
  issuer: OIDC_PEER.issuer,
};

export interface OauthStore {
  tenant: { id: string; slug: string };
  token: string;
  api: Client;
}

/**
 * The store `oauth-store` with google-oauth active against the peer, and test-store-rules, whose
 * before_authenticate hook notes that it ran. Created once per test file: the slug is fixed.
 */
export async function givenOauthStore(): Promise<OauthStore> {
  const tenant = await createTenant(env.DB, { slug: OIDC_STORE, name: "OAuth Store" });
  givenTenantIds.push(tenant.id);
  const token = await issueToken(env.DB, tenant.id, "admin", "google-oauth-tests");
  const api = client(token);
  for (const [slug, config] of [
    ["test-store-rules", {}],
    ["google-oauth", PEER_CONFIG],
  ] as const) {
    await givenPublished(slug);
    const install = await api("POST", `/api/admin/plugins/${slug}/install`, { config });
    expect(install.status, JSON.stringify(install.body)).toBe(201);
    const activate = await api("POST", `/api/admin/plugins/${slug}/activate`);
    expect(activate.status, JSON.stringify(activate.body)).toBe(200);
  }
  return { tenant, token, api };
}

/** Replaces google-oauth's configuration: the peer's, with `changes` on top. */
export async function configure(store: OauthStore, changes: Record<string, unknown> = {}) {
  const res = await store.api("PUT", "/api/admin/plugins/google-oauth/config", { ...PEER_CONFIG, ...changes });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

/**
 * A browser for the store's origin: it sends each cookie to the paths it was set for (RFC 6265 path
 * matching), keeps what the answers set, and follows no redirect, so each hop can be looked at.
 */
export class Browser {
  readonly cookies: StoredCookie[] = [];

  cookieHeaderFor(path: string): string {
    return this.cookies
      .filter((c) => path === c.path || path.startsWith(c.path.endsWith("/") ? c.path : `${c.path}/`) || c.path === "/")
      .map((c) => `${c.name}=${c.value}`)
      .join("; ");
  }

  cookie(name: string): string | undefined {
    return this.cookies.find((c) => c.name === name)?.value;
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url, `${ORIGIN}${BASE_PATH}/`);
    const headers = new Headers(init.headers);
    const cookies = this.cookieHeaderFor(target.pathname);
    if (cookies) headers.set("cookie", cookies);
    const res = await SELF.fetch(target.href, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const set = parseSetCookie(line);
      const path = set.path ?? "/";
      const at = this.cookies.findIndex((c) => c.name === set.name && c.path === path);
      if (at >= 0) this.cookies.splice(at, 1);
      if (set.maxAge !== 0 && set.value !== "") this.cookies.push({ name: set.name, value: set.value ?? "", path });
    }
    return res;
  }

  get = (url: string, init: RequestInit = {}) => this.request(url, init);
  post = (url: string, body?: unknown, init: RequestInit = {}) =>
    this.request(url, {
      ...init,
      method: "POST",
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { "content-type": "application/json", ...init.headers } }),
    });
}

async function control<T>(path: string, body: unknown = {}): Promise<T> {
  const res = await fetch(`${OIDC_PEER.issuer}/__control/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json;
}

/** The OpenID peer's side: a user signing in at the provider, and the knobs that make its next ID token wrong. */
export const peer = {
  /** What the user does at the provider: signs in as `email` and consents; returns where the provider redirects. */
  signIn: async (authorizationUrl: string, email: string) =>
    (await control<{ callback_url: string }>("sign-in", { authorization_url: authorizationUrl, email })).callback_url,
  misbehave: (idToken: "expired" | "wrong_audience" | "foreign_key" | "wrong_nonce" | "alternate_issuer") =>
    control("misbehave", { id_token: idToken }),
  reset: () => control("reset"),
};

/** The three hops of a sign-in: the store's /start, the provider's sign-in, the store's /callback. */
export async function signInThrough(browser: Browser, email = "ada@example.com", returnTo?: string) {
  const started = await browser.get(
    returnTo === undefined ? "start" : `start?return_to=${encodeURIComponent(returnTo)}`,
  );
  expect(started.status, await started.clone().text()).toBe(302);
  const authorizationUrl = String(started.headers.get("location"));
  const callbackUrl = await peer.signIn(authorizationUrl, email);
  const callback = await browser.get(callbackUrl);
  return { started, authorizationUrl, callbackUrl, callback, traceId: String(callback.headers.get("x-trace-id")) };
}

export interface SessionRow {
  id: string;
  provider: string;
  provider_user_id: string;
  user_id: string | null;
  email: string;
  expires_at: string | null;
  revoked_at: string | null;
  trace_id: string | null;
}

export async function sessionsOpenedBy(traceId: string): Promise<SessionRow[]> {
  return await inLedgers<SessionRow>("SELECT * FROM sessions WHERE trace_id = ?", traceId);
}

export async function sessionById(id: string): Promise<SessionRow | null> {
  return (await inLedgers<SessionRow>("SELECT * FROM sessions WHERE id = ?", id))[0] ?? null;
}

/** The authentication_failed event a refused callback committed, with its error. */
export async function failureOf(traceId: string): Promise<OutboxRow | undefined> {
  return (await committedBy(traceId)).find((row) => row.hook === "authentication_failed");
}
