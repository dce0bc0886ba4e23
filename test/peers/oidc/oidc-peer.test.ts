// The OIDC peer, driven as the google-oauth plugin drives an OpenID provider: oauth4webapi for discovery,
// the authorization request and the code exchange, jose for the ID token's signature and claims.
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import * as oauth from "oauth4webapi";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type OidcPeer, SignInError, startOidcPeer, WRONG_AUDIENCE } from "./index.ts";

const REDIRECT_URI = "http://127.0.0.1:8787/api/plugins/google-oauth/callback";
const CLIENT = { client_id: "shop.apps.test", client_secret: "shop-secret", redirect_uris: [REDIRECT_URI] };
const client: oauth.Client = { client_id: CLIENT.client_id };
const http = { [oauth.allowInsecureRequests]: true } as const;

let peer: OidcPeer;
let as: oauth.AuthorizationServer;

beforeAll(async () => {
  peer = await startOidcPeer({ clients: [CLIENT] });
  const issuer = new URL(peer.issuer);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, http));
});
afterAll(() => peer.close());
afterEach(() => peer.reset());

interface Flow {
  scope?: string;
  extra?: Record<string, string>;
  auth?: oauth.ClientAuth;
  withPkce?: boolean;
}

/** The authorization request a relying party sends, with fresh PKCE verifier, state and nonce. */
async function givenAuthorizationRequest({ scope = "openid email profile", extra = {}, withPkce = true }: Flow = {}) {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint ?? "");
  url.search = new URLSearchParams({
    client_id: CLIENT.client_id,
    redirect_uri: REDIRECT_URI,
    response_type: "code",
    scope,
    state,
    nonce,
    ...(withPkce
      ? { code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: "S256" }
      : {}),
    ...extra,
  }).toString();
  return { url, codeVerifier, state, nonce };
}

/** Signs `email` in and exchanges the code: the token endpoint's raw response, unprocessed. */
async function givenCodeExchange(email: string, flow: Flow = {}) {
  const request = await givenAuthorizationRequest(flow);
  const { callbackUrl } = await peer.signIn(request.url.href, email);
  const params = oauth.validateAuthResponse(as, client, new URL(callbackUrl), request.state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    flow.auth ?? oauth.ClientSecretPost(CLIENT.client_secret),
    params,
    REDIRECT_URI,
    request.codeVerifier,
    http,
  );
  return { ...request, params, response };
}

async function idTokenOf(response: Response): Promise<string> {
  const { id_token } = (await response.clone().json()) as { id_token: string };
  return id_token;
}

/** What a correct relying party checks on an ID token with jose: signature by the JWKS, issuer, audience, expiry. */
function verifyIdToken(idToken: string, issuer: string | string[] = peer.issuer) {
  return jwtVerify(idToken, createRemoteJWKSet(new URL(as.jwks_uri ?? "")), { issuer, audience: CLIENT.client_id });
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("discovery", () => {
  it("advertises the authorization-code flow with PKCE S256, Google's scopes and claims, and revocation", () => {
    expect(as.issuer).toBe(peer.issuer);
    expect(peer.issuer).toBe(`http://127.0.0.1:${peer.port}`);
    expect(as.response_types_supported).toEqual(["code"]);
    expect(as.code_challenge_methods_supported).toEqual(["S256"]);
    expect(as.scopes_supported).toEqual(["openid", "email", "profile", "offline_access"]);
    expect(as.claims_supported).toEqual(expect.arrayContaining(["sub", "email", "email_verified", "name", "hd"]));
    expect(as.token_endpoint_auth_methods_supported).toEqual(["client_secret_basic", "client_secret_post"]);
    expect(as.revocation_endpoint).toBe(`${peer.issuer}/token/revocation`);
    expect(as.jwks_uri).toBe(`${peer.issuer}/jwks`);
  });
});

describe("signing in", () => {
  it.each([
    ["client_secret_post", oauth.ClientSecretPost(CLIENT.client_secret)],
    ["client_secret_basic", oauth.ClientSecretBasic(CLIENT.client_secret)],
  ])("signs ada in and issues an ID token that verifies, exchanging the code with %s", async (_method, auth) => {
    const { response, nonce, params } = await givenCodeExchange("ada@example.com", { auth });
    expect(params.get("iss")).toBe(peer.issuer);

    const idToken = await idTokenOf(response);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce });
    expect(tokens.token_type).toBe("bearer");
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(tokens.refresh_token).toBeUndefined();

    const { payload, protectedHeader } = await verifyIdToken(idToken);
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload).toMatchObject({
      iss: peer.issuer,
      aud: CLIENT.client_id,
      nonce,
      sub: expect.stringMatching(/^1\d{20}$/),
      email: "ada@example.com",
      email_verified: true,
      name: "Ada Lovelace",
      hd: "example.com",
    });
  });

  it.each([
    ["unverified@example.com", { email_verified: false, hd: "example.com" }],
    ["eve@other.test", { email_verified: true, hd: "other.test" }],
    ["grace@gmail.test", { email_verified: true, hd: undefined }],
  ])("states %s's email_verified and hosted domain as Google would", async (email, expected) => {
    const { response } = await givenCodeExchange(email);
    const { payload } = await verifyIdToken(await idTokenOf(response));
    expect(payload.email).toBe(email);
    expect(payload.email_verified).toBe(expected.email_verified);
    expect(payload.hd).toBe(expected.hd);
  });

  it("gives each account one stable subject across sign-ins", async () => {
    const first = decodeJwt(await idTokenOf((await givenCodeExchange("ada@example.com")).response));
    const second = decodeJwt(await idTokenOf((await givenCodeExchange("ada@example.com")).response));
    const eve = decodeJwt(await idTokenOf((await givenCodeExchange("eve@other.test")).response));
    expect(second.sub).toBe(first.sub);
    expect(eve.sub).not.toBe(first.sub);
  });

  it("sends an authorization request without PKCE back to the client with invalid_request", async () => {
    const request = await givenAuthorizationRequest({ withPkce: false });
    const { callbackUrl } = await peer.signIn(request.url.href, "ada@example.com");
    const error = await rejectionOf(
      Promise.resolve().then(() => oauth.validateAuthResponse(as, client, new URL(callbackUrl), request.state)),
    );
    expect(error).toBeInstanceOf(oauth.AuthorizationResponseError);
    expect(error).toMatchObject({
      error: "invalid_request",
      error_description: expect.stringMatching(/requires PKCE/),
    });
  });

  it("refuses to exchange a code with the wrong PKCE verifier", async () => {
    const request = await givenAuthorizationRequest();
    const { callbackUrl } = await peer.signIn(request.url.href, "ada@example.com");
    const params = oauth.validateAuthResponse(as, client, new URL(callbackUrl), request.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretPost(CLIENT.client_secret),
      params,
      REDIRECT_URI,
      oauth.generateRandomCodeVerifier(),
      http,
    );
    const error = await rejectionOf(oauth.processAuthorizationCodeResponse(as, client, response));
    expect(error).toBeInstanceOf(oauth.ResponseBodyError);
    expect(error).toMatchObject({ error: "invalid_grant" });
  });

  it("refuses a code exchanged twice", async () => {
    const { params, codeVerifier } = await givenCodeExchange("ada@example.com");
    const again = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretPost(CLIENT.client_secret),
      params,
      REDIRECT_URI,
      codeVerifier,
      http,
    );
    await expect(oauth.processAuthorizationCodeResponse(as, client, again)).rejects.toMatchObject({
      error: "invalid_grant",
    });
  });

  it("refuses a client with the wrong secret", async () => {
    const request = await givenAuthorizationRequest();
    const { callbackUrl } = await peer.signIn(request.url.href, "ada@example.com");
    const params = oauth.validateAuthResponse(as, client, new URL(callbackUrl), request.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretPost("not-the-secret"),
      params,
      REDIRECT_URI,
      request.codeVerifier,
      http,
    );
    await expect(oauth.processAuthorizationCodeResponse(as, client, response)).rejects.toMatchObject({
      error: "invalid_client",
    });
  });

  it("names the email when no account has it", async () => {
    const request = await givenAuthorizationRequest();
    const error = await rejectionOf(peer.signIn(request.url.href, "nobody@example.com"));
    expect(error).toBeInstanceOf(SignInError);
    expect(error).toMatchObject({ code: "UNKNOWN_ACCOUNT", message: expect.stringMatching(/"nobody@example.com"/) });
  });
});

describe("refresh tokens", () => {
  it.each([
    ["scope offline_access with prompt=consent (OIDC)", { scope: "openid email offline_access", prompt: "consent" }],
    ["access_type=offline (Google)", { scope: "openid email", access_type: "offline" }],
  ])("issues a refresh token for %s that grants fresh tokens", async (_how, { scope, ...extra }) => {
    const { response, nonce } = await givenCodeExchange("ada@example.com", { scope, extra });
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce });
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(
        as,
        client,
        oauth.ClientSecretBasic(CLIENT.client_secret),
        tokens.refresh_token ?? "",
        http,
      ),
    );
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    const { payload } = await verifyIdToken(refreshed.id_token ?? "");
    expect(payload).toMatchObject({ email: "ada@example.com", sub: oauth.getValidatedIdTokenClaims(tokens)?.sub });
  });

  it("issues no refresh token when the client did not ask for offline access", async () => {
    const { response, nonce } = await givenCodeExchange("ada@example.com", { scope: "openid email offline_access" });
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce });
    expect(tokens.refresh_token).toBeUndefined();
  });

  it("refuses a refresh token once the client revoked it", async () => {
    const { response, nonce } = await givenCodeExchange("ada@example.com", { extra: { access_type: "offline" } });
    const { refresh_token = "" } = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: nonce,
    });
    const auth = oauth.ClientSecretPost(CLIENT.client_secret);
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, refresh_token, http));

    const refresh = await oauth.refreshTokenGrantRequest(as, client, auth, refresh_token, http);
    await expect(oauth.processRefreshTokenResponse(as, client, refresh)).rejects.toMatchObject({
      error: "invalid_grant",
    });
  });
});

describe("misbehaviour knobs", () => {
  it("expired: the next ID token expired an hour ago, and jose and oauth4webapi refuse it", async () => {
    peer.misbehave("expired");
    const { response, nonce } = await givenCodeExchange("ada@example.com");
    const idToken = await idTokenOf(response);
    await expect(verifyIdToken(idToken)).rejects.toMatchObject({ code: "ERR_JWT_EXPIRED" });
    await expect(
      oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce }),
    ).rejects.toMatchObject({ code: oauth.JWT_TIMESTAMP_CHECK });
  });

  it("wrong_audience: the next ID token is for another client, and jose and oauth4webapi refuse it", async () => {
    peer.misbehave("wrong_audience");
    const { response, nonce } = await givenCodeExchange("ada@example.com");
    const idToken = await idTokenOf(response);
    expect(decodeJwt(idToken).aud).toBe(WRONG_AUDIENCE);
    await expect(verifyIdToken(idToken)).rejects.toMatchObject({
      code: "ERR_JWT_CLAIM_VALIDATION_FAILED",
      claim: "aud",
    });
    await expect(
      oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce }),
    ).rejects.toMatchObject({ code: oauth.JWT_CLAIM_COMPARISON, cause: { claim: "aud" } });
  });

  it("foreign_key: the next ID token is signed by a key outside the JWKS, under its kid, and its signature fails", async () => {
    peer.misbehave("foreign_key");
    const { response } = await givenCodeExchange("ada@example.com");
    const idToken = await idTokenOf(response);
    const { keys } = (await (await fetch(as.jwks_uri ?? "")).json()) as { keys: { kid: string }[] };
    expect(keys.map((k) => k.kid)).toContain(decodeProtectedHeader(idToken).kid);
    await expect(verifyIdToken(idToken)).rejects.toMatchObject({ code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" });
  });

  it("wrong_nonce: the next ID token carries another nonce, which the nonce check refuses", async () => {
    peer.misbehave("wrong_nonce");
    const { response, nonce } = await givenCodeExchange("ada@example.com");
    const { payload } = await verifyIdToken(await idTokenOf(response));
    expect(payload.nonce).not.toBe(nonce);
    await expect(
      oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce }),
    ).rejects.toMatchObject({ code: oauth.JWT_CLAIM_COMPARISON, cause: { claim: "nonce" } });
  });

  it("alternate_issuer: the next ID token names the issuer without its scheme, which a client must allow for", async () => {
    peer.misbehave("alternate_issuer");
    const { response, nonce } = await givenCodeExchange("ada@example.com");
    const idToken = await idTokenOf(response);
    const alternate = `127.0.0.1:${peer.port}`;
    expect(decodeJwt(idToken).iss).toBe(alternate);

    // a client that knows only the discovered spelling refuses it ...
    await expect(verifyIdToken(idToken)).rejects.toMatchObject({ claim: "iss" });
    // ... one that accepts both spellings, as Google's documentation asks, takes it
    const { payload } = await verifyIdToken(idToken, [peer.issuer, alternate]);
    expect(payload.email).toBe("ada@example.com");
    // oauth4webapi compares iss with the discovered issuer exactly: a client on it must allow for this itself
    await expect(
      oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce }),
    ).rejects.toMatchObject({ code: oauth.JWT_CLAIM_COMPARISON, cause: { claim: "iss" } });
  });

  it("applies a knob to the next token response only", async () => {
    peer.misbehave("expired");
    const first = await givenCodeExchange("ada@example.com");
    const second = await givenCodeExchange("ada@example.com");
    await expect(verifyIdToken(await idTokenOf(first.response))).rejects.toMatchObject({ code: "ERR_JWT_EXPIRED" });
    await expect(verifyIdToken(await idTokenOf(second.response))).resolves.toBeDefined();
  });

  it("applies a knob for all token responses, the refresh grant's too, until reset", async () => {
    peer.misbehave("wrong_audience", { for: "all" });
    const { response } = await givenCodeExchange("ada@example.com", { extra: { access_type: "offline" } });
    const { refresh_token } = (await response.clone().json()) as { refresh_token: string };
    expect(decodeJwt(await idTokenOf(response)).aud).toBe(WRONG_AUDIENCE);
    const auth = oauth.ClientSecretPost(CLIENT.client_secret);

    const refreshed = await oauth.refreshTokenGrantRequest(as, client, auth, refresh_token, http);
    const { refresh_token: rotated = refresh_token } = (await refreshed.clone().json()) as { refresh_token?: string };
    expect(decodeJwt(await idTokenOf(refreshed)).aud).toBe(WRONG_AUDIENCE);

    peer.reset();
    const after = await oauth.refreshTokenGrantRequest(as, client, auth, rotated, http);
    await expect(verifyIdToken(await idTokenOf(after))).resolves.toBeDefined();
  });

  it("refuses an unknown knob, naming the choices", () => {
    expect(() => peer.misbehave("too_late" as "expired")).toThrow(/expired, wrong_audience, foreign_key/);
  });
});

describe("the control API over HTTP", () => {
  const control = (path: string, body?: unknown) =>
    fetch(`${peer.issuer}/__control/${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it("signs in through POST /__control/sign-in and answers the callback URL", async () => {
    const request = await givenAuthorizationRequest();
    const answer = await control("sign-in", { authorization_url: request.url.href, email: "eve@other.test" });
    expect(answer.status).toBe(200);
    const { callback_url } = (await answer.json()) as { callback_url: string };
    expect(callback_url.startsWith(`${REDIRECT_URI}?`)).toBe(true);
    const params = oauth.validateAuthResponse(as, client, new URL(callback_url), request.state);
    expect(params.get("code")).toEqual(expect.any(String));
  });

  it("answers 404 UNKNOWN_ACCOUNT for an email no account has", async () => {
    const request = await givenAuthorizationRequest();
    const answer = await control("sign-in", { authorization_url: request.url.href, email: "mallory@example.com" });
    expect(answer.status).toBe(404);
    expect(await answer.json()).toMatchObject({ error: { code: "UNKNOWN_ACCOUNT" } });
  });

  it("arms a knob with POST /__control/misbehave and clears it with POST /__control/reset", async () => {
    const armed = await control("misbehave", { id_token: "foreign_key", for: "all" });
    expect(await armed.json()).toEqual({ misbehaviour: { kind: "foreign_key", scope: "all" } });
    const { response } = await givenCodeExchange("ada@example.com");
    await expect(verifyIdToken(await idTokenOf(response))).rejects.toMatchObject({
      code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
    });

    expect(await (await control("reset", {})).json()).toEqual({ misbehaviour: null });
    expect(await (await control("state")).json()).toMatchObject({ issuer: peer.issuer, misbehaviour: null });
    const clean = await givenCodeExchange("ada@example.com");
    await expect(verifyIdToken(await idTokenOf(clean.response))).resolves.toBeDefined();
  });

  it.each([
    ["misbehave", { id_token: "too_late" }, /^id_token: /],
    ["misbehave", { id_token: "expired", for: "ever" }, /^for: /],
    ["sign-in", { email: "ada@example.com" }, /^authorization_url: /],
    ["sign-in", { authorization_url: "http://127.0.0.1/auth" }, /^email: /],
  ])("refuses a bad POST /__control/%s body, naming the field", async (path, body, message) => {
    const answer = await control(path, body);
    expect(answer.status).toBe(400);
    const { error } = (await answer.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("INVALID_REQUEST");
    expect(error.message).toMatch(message);
  });
});

describe("starting a peer", () => {
  it.each([
    [{ clients: [] }, /options\.clients: /],
    [{ clients: [{ ...CLIENT, redirect_uris: ["not a url"] }] }, /options\.clients\.0\.redirect_uris\.0: /],
    [{ clients: [CLIENT], port: 70_000 }, /options\.port: /],
    [{ clients: [CLIENT], accounts: [{ email: "x@example.com", name: "X" }] }, /accounts\[0\]\.email_verified: /],
  ])("refuses bad options, naming the field (%#)", async (options, message) => {
    await expect(startOidcPeer(options as Parameters<typeof startOidcPeer>[0])).rejects.toThrow(message);
  });

  it("serves the accounts it is given", async () => {
    const own = await startOidcPeer({
      clients: [CLIENT],
      accounts: [{ email: "solo@shop.test", email_verified: true, name: "Solo", sub: "42" }],
    });
    try {
      expect(own.accounts).toEqual([{ email: "solo@shop.test", email_verified: true, name: "Solo", sub: "42" }]);
      const issuer = new URL(own.issuer);
      const ownAs = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, http));
      const request = await givenAuthorizationRequest();
      request.url.host = new URL(ownAs.authorization_endpoint ?? "").host;
      const { callbackUrl } = await own.signIn(request.url.href, "solo@shop.test");
      expect(new URL(callbackUrl).searchParams.get("code")).toEqual(expect.any(String));
    } finally {
      await own.close();
    }
  });
});
