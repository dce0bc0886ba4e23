/**
 * The OpenID Connect sign-in itself, behind the AuthPlugin methods: the authorization-code flow with
 * PKCE, `state` and `nonce` (the callback's credentials), a mobile app's ID token, the refresh grant
 * and token revocation. Each refusal is a `SignInFailure` with its own code.
 */
import type { AuthResult, PluginContext } from "@digital-commerce/plugin-sdk";
import * as oauth from "oauth4webapi";
import { fail, SignInFailure } from "./failures.ts";
import { consumeFlow } from "./flows.ts";
import { checkedTokens, type IdClaims, verifyIdToken } from "./id-token.ts";
import { type Provider, providerOf } from "./provider.ts";
import { rolesFor } from "./roles.ts";
import * as z from "./schema.ts";
import { type Settings, settingsOf } from "./settings.ts";

/** What the callback hands over: the provider's redirect parameters, and the state from the plugin's cookie. */
const text = (max: number) => z.optional(z.string().check(z.minLength(1), z.maxLength(max)));
const callbackCredentials = z.object({
  code: text(4096),
  state: text(512),
  iss: text(2048),
  error: text(256),
  error_description: z.optional(z.string().check(z.maxLength(2048))),
  /** The state the browser's cookie holds: the flow must be this browser's. */
  browser_state: text(512),
});
export type CallbackCredentials = z.infer<typeof callbackCredentials>;

/** A mobile app's own Google ID token (Sign in with Google on Android or iOS, issued to this client id). */
const idTokenCredentials = z.object({
  id_token: z.string().check(z.minLength(1), z.maxLength(16_384)),
  nonce: text(512),
});

/** Constant-time comparison: how much of a state matched must not show in the answer's timing. */
async function same(a: string, b: string): Promise<boolean> {
  const digest = (text: string) => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return crypto.subtle.timingSafeEqual(await digest(a), await digest(b));
}

/** The flow's parameters, checked by oauth4webapi (state, and the RFC 9207 `iss` when the provider sends it). */
function authorizationResponse(provider: Provider, credentials: CallbackCredentials, state: string): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ["code", "state", "iss"] as const) {
    const value = credentials[key];
    if (value !== undefined) params.set(key, value);
  }
  try {
    return oauth.validateAuthResponse(provider.as, provider.client, params, state);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (credentials.iss !== undefined && credentials.iss !== provider.as.issuer) {
      return fail(
        "ISSUER_MISMATCH",
        `The callback names issuer ${credentials.iss}, not ${provider.as.issuer}: it is another provider's answer.`,
      );
    }
    return fail(
      "INVALID_CREDENTIALS",
      `The callback's parameters do not read as an authorization response: ${message}`,
    );
  }
}

async function request(what: string, send: () => Promise<Response>): Promise<Response> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof SignInFailure) throw error;
    const message = error instanceof Error ? error.message : String(error);
    return fail("PROVIDER_UNREACHABLE", `The provider's ${what} could not be reached: ${message}`);
  }
}

function success(settings: Settings, claims: IdClaims, token: string, refreshToken?: string): AuthResult {
  return {
    success: true,
    user: {
      id: claims.sub,
      email: claims.email,
      ...(claims.name ? { name: claims.name } : {}),
      roles: rolesFor(settings.roleMapping, claims.email),
      metadata: { issuer: claims.iss, ...(claims.hd ? { hosted_domain: claims.hd } : {}) },
    },
    token,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    expires_at: new Date(Date.now() + settings.sessionHours * 60 * 60 * 1000).toISOString(),
  };
}

async function signInWithCode(context: PluginContext, settings: Settings, c: CallbackCredentials): Promise<AuthResult> {
  if (c.error) {
    const description = c.error_description ? ` (${c.error_description})` : "";
    return fail("PROVIDER_ERROR", `The provider did not sign you in: ${c.error}${description}.`);
  }
  if (!c.state) {
    return fail(
      "STATE_MISSING",
      "The callback carries no state, so it is not the answer to a sign-in this store started.",
    );
  }
  if (!c.browser_state || !(await same(c.browser_state, c.state))) {
    return fail(
      "STATE_MISMATCH",
      "The callback's state is not the one this browser's sign-in started with (it was started elsewhere, or its cookie is gone). Start the sign-in again.",
    );
  }
  if (!c.code) return fail("CODE_MISSING", "The callback carries no authorization code.");
  const flow = await consumeFlow(context, c.state);
  const provider = await providerOf(settings);
  const params = authorizationResponse(provider, c, flow.state);
  const response = await request("token endpoint", () =>
    oauth.authorizationCodeGrantRequest(
      provider.as,
      provider.client,
      provider.auth,
      params,
      flow.redirectUri,
      flow.codeVerifier,
      provider.http,
    ),
  );
  const { tokens, claims } = await checkedTokens(provider, settings, response, { kind: "code", nonce: flow.nonce });
  if (!claims) return fail("NO_ID_TOKEN", "The provider's token response has no ID token.");
  return success(settings, claims, tokens.access_token, tokens.refresh_token);
}

async function signInWithIdToken(settings: Settings, c: z.infer<typeof idTokenCredentials>): Promise<AuthResult> {
  const provider = await providerOf(settings);
  const claims = await verifyIdToken(provider, settings, c.id_token, { nonce: c.nonce });
  return success(settings, claims, c.id_token);
}

/**
 * `authenticate`: the callback's credentials (`{code, state, iss?, browser_state}` or the provider's
 * `{error, error_description}`), or an app's `{id_token, nonce?}`. Every refusal is an AuthResult
 * failure with its code, so `authentication_failed` says why.
 */
export async function authenticate(context: PluginContext, credentials: unknown): Promise<AuthResult> {
  try {
    const settings = settingsOf(context);
    const withIdToken = idTokenCredentials.safeParse(credentials);
    if (withIdToken.success) return await signInWithIdToken(settings, withIdToken.data);
    const fromCallback = callbackCredentials.safeParse(credentials);
    if (!fromCallback.success) {
      const issue = fromCallback.error.issues[0];
      return fail(
        "INVALID_CREDENTIALS",
        `Send the callback's {code, state} or an app's {id_token}; ${issue?.path.join(".") || "credentials"}: ${issue?.message ?? "invalid"}.`,
      );
    }
    return await signInWithCode(context, settings, fromCallback.data);
  } catch (error) {
    if (!(error instanceof SignInFailure)) throw error;
    context.logger.info("sign-in refused", { code: error.code });
    return { success: false, error: { code: error.code, message: error.message } };
  }
}

export interface Refreshed {
  accessToken: string;
  /** Present when the provider rotated the refresh token: the old one no longer works. */
  refreshToken?: string;
  /** Epoch milliseconds. */
  accessExpiresAt: number | null;
}

/** The refresh-token grant: a new access token (and an ID token, when the provider sends one, verified). */
export async function refreshGrant(context: PluginContext, refreshToken: string): Promise<Refreshed> {
  const settings = settingsOf(context);
  const provider = await providerOf(settings);
  const response = await request("token endpoint", () =>
    oauth.refreshTokenGrantRequest(provider.as, provider.client, provider.auth, refreshToken, provider.http),
  );
  const { tokens } = await checkedTokens(provider, settings, response, { kind: "refresh" });
  return {
    accessToken: tokens.access_token,
    ...(tokens.refresh_token && tokens.refresh_token !== refreshToken ? { refreshToken: tokens.refresh_token } : {}),
    accessExpiresAt: tokens.expires_in === undefined ? null : Date.now() + tokens.expires_in * 1000,
  };
}

/**
 * Revokes `token` at the provider when it has a revocation endpoint (Google's does; revoking the
 * refresh token ends the grant). Resolves with whether it was revoked.
 */
export async function revokeAtProvider(context: PluginContext, token: string): Promise<boolean> {
  try {
    const provider = await providerOf(settingsOf(context));
    if (!provider.as.revocation_endpoint) return false;
    const response = await request("revocation endpoint", () =>
      oauth.revocationRequest(provider.as, provider.client, provider.auth, token, provider.http),
    );
    await oauth.processRevocationResponse(response);
    return true;
  } catch (error) {
    // the store session is already over; a token the provider did not revoke expires on its own
    const message = error instanceof Error ? error.message : String(error);
    context.logger.warn("the provider did not revoke the token", { error: message });
    return false;
  }
}
