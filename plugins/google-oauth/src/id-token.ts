/**
 * The ID token checks, with jose: the signature against the issuer's published keys, the issuer (in
 * either of its spellings), the audience (this store's client id), expiry with a minute of clock
 * tolerance, the nonce of this browser's flow, then Google's own claims: a verified email, and the
 * hosted domain (`hd`) when the store restricts sign-in to some. oauth4webapi compares `iss` with the
 * discovered issuer exactly and does not verify signatures, so jose does this part for it.
 * https://developers.google.com/identity/openid-connect/openid-connect#validatinganidtoken
 */
import { errors, type JWTPayload, jwtVerify } from "jose";
import * as oauth from "oauth4webapi";
import { CLAIM_FAILURES, type FailureCode, fail, SignInFailure } from "./failures.ts";
import { type Provider, tokenEndpointFailure } from "./provider.ts";
import type { Settings } from "./settings.ts";

/** Seconds an ID token may be early or late by the provider's clock against ours. */
export const CLOCK_TOLERANCE_SECONDS = 60;

export interface IdClaims {
  iss: string;
  sub: string;
  email: string;
  name?: string;
  hd?: string;
  exp: number;
}

function claimFailure(error: errors.JWTClaimValidationFailed): SignInFailure {
  const [code, message] = CLAIM_FAILURES[error.claim] ?? [
    "INVALID_ID_TOKEN",
    `The ID token's ${error.claim} claim is invalid: ${error.reason}.`,
  ];
  return new SignInFailure(code, message);
}

function verificationFailure(error: unknown): SignInFailure {
  if (error instanceof errors.JWTExpired) return new SignInFailure("TOKEN_EXPIRED", "The ID token has expired.");
  if (error instanceof errors.JWTClaimValidationFailed) return claimFailure(error);
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new SignInFailure(
      "BAD_SIGNATURE",
      "The ID token's signature does not verify with the provider's published keys.",
    );
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new SignInFailure("UNKNOWN_SIGNING_KEY", "The ID token is signed with a key the provider does not publish.");
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error instanceof TypeError) {
    return new SignInFailure("PROVIDER_UNREACHABLE", `The provider's signing keys could not be read: ${error.message}`);
  }
  if (error instanceof errors.JOSEError) {
    return new SignInFailure("INVALID_ID_TOKEN", `The ID token is not a valid signed JWT (${error.code}).`);
  }
  throw error;
}

const verified = (value: unknown) => value === true || value === "true";

/**
 * Verifies `idToken` as this store's sign-in. `nonce`: the flow's nonce, which the token must carry;
 * undefined skips the check (an app's own ID token, whose nonce the app chose).
 *
 * @example
 * const claims = await verifyIdToken(provider, settings, idToken, { nonce: flow.nonce });
 * claims.email; // "ada@example.com", verified
 */
export async function verifyIdToken(
  provider: Provider,
  settings: Settings,
  idToken: string,
  expected: { nonce: string | undefined },
): Promise<IdClaims> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, provider.keys, {
      issuer: provider.issuers,
      audience: settings.clientId,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ["sub", "exp", "iat"],
    }));
  } catch (error) {
    throw verificationFailure(error);
  }
  // with several audiences, the one the token was issued for is azp (OIDC Core 3.1.3.7)
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== settings.clientId) {
    fail("WRONG_AUDIENCE", "The ID token names several audiences and was not issued for this store's client (azp).");
  }
  if (expected.nonce !== undefined && payload.nonce !== expected.nonce) {
    fail(...(CLAIM_FAILURES.nonce as [FailureCode, string]));
  }
  const email = typeof payload.email === "string" ? payload.email.toLowerCase() : undefined;
  if (!email) return fail("EMAIL_MISSING", "The ID token carries no email; ask for the email scope.");
  if (!verified(payload.email_verified)) {
    fail("EMAIL_UNVERIFIED", `${email} is not verified with the provider; verify it there, then sign in again.`);
  }
  const hd = typeof payload.hd === "string" ? payload.hd.toLowerCase() : undefined;
  if (settings.allowedDomains.length > 0 && (!hd || !settings.allowedDomains.includes(hd))) {
    fail(
      "DOMAIN_NOT_ALLOWED",
      `${email} may not sign in to this store: only accounts of ${settings.allowedDomains.join(", ")} may (its hosted domain is ${hd ?? "none, a consumer account"}).`,
    );
  }
  return {
    iss: String(payload.iss),
    sub: String(payload.sub),
    email,
    exp: Number(payload.exp),
    ...(typeof payload.name === "string" ? { name: payload.name } : {}),
    ...(hd ? { hd } : {}),
  };
}

async function idTokenIn(response: Response): Promise<string | undefined> {
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => null);
  const idToken = (body as { id_token?: unknown } | null)?.id_token;
  return typeof idToken === "string" ? idToken : undefined;
}

export interface Tokens {
  tokens: oauth.TokenEndpointResponse;
  claims: IdClaims | undefined;
}

/**
 * A token endpoint's answer, checked: the provider's error as a failure with `code`; the ID token
 * (required after a code exchange, optional after a refresh) verified by jose first, then the whole
 * response by oauth4webapi, told which of the issuer's spellings the verified token uses.
 */
export async function checkedTokens(
  provider: Provider,
  settings: Settings,
  response: Response,
  grant: { kind: "code"; nonce: string } | { kind: "refresh" },
): Promise<Tokens> {
  const failureCode = grant.kind === "code" ? "TOKEN_EXCHANGE_FAILED" : "REFRESH_FAILED";
  const process = (as: oauth.AuthorizationServer) =>
    grant.kind === "code"
      ? oauth.processAuthorizationCodeResponse(as, provider.client, response, {
          expectedNonce: grant.nonce,
          requireIdToken: true,
        })
      : oauth.processRefreshTokenResponse(as, provider.client, response);
  if (!response.ok) {
    try {
      await process(provider.as);
    } catch (error) {
      throw tokenEndpointFailure(failureCode, error);
    }
    return fail(failureCode, `The provider answered ${response.status} without an error.`);
  }
  const idToken = await idTokenIn(response);
  if (!idToken && grant.kind === "code") {
    return fail("NO_ID_TOKEN", "The provider's token response has no ID token; the openid scope is required.");
  }
  const claims = idToken
    ? await verifyIdToken(provider, settings, idToken, { nonce: grant.kind === "code" ? grant.nonce : undefined })
    : undefined;
  try {
    return { tokens: await process(claims ? { ...provider.as, issuer: claims.iss } : provider.as), claims };
  } catch (error) {
    throw tokenEndpointFailure(failureCode, error);
  }
}
