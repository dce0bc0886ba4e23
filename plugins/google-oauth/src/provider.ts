/**
 * The OpenID provider as the plugin talks to it, on oauth4webapi: its metadata from discovery at the
 * configured issuer (Google's by default; a local OpenID provider in tests), this store's client, and
 * the provider's signing keys as a jose remote key set. Discovery and keys are kept per isolate for an
 * hour, so a sign-in costs one request to the provider's token endpoint, not three.
 *
 * Every request leaves through the platform's egress gate: Google's hosts are in the manifest's
 * permissions.network, and the `issuer` setting is a service address, so a provider whose discovery
 * names endpoints on the issuer's own host and port (a local provider) is reachable as configured.
 */
import { createRemoteJWKSet } from "jose";
import * as oauth from "oauth4webapi";
import { CLAIM_FAILURES, fail, SignInFailure } from "./failures.ts";
import type { Settings } from "./settings.ts";

export interface Provider {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  auth: oauth.ClientAuth;
  /** oauth4webapi's request options: plain http only for a provider on this machine (development, tests). */
  http: { [oauth.allowInsecureRequests]?: boolean };
  /**
   * The spellings an ID token's `iss` may have: the discovered issuer and the same without its scheme.
   * Google documents both ("https://accounts.google.com" and "accounts.google.com"); the signature,
   * by this issuer's own keys, is what makes either one trustworthy.
   */
  issuers: string[];
  keys: ReturnType<typeof createRemoteJWKSet>;
}

const TTL_MS = 60 * 60 * 1000;
const discovered = new Map<string, { at: number; metadata: Promise<oauth.AuthorizationServer> }>();
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

function httpOptions(issuer: URL): Provider["http"] {
  return issuer.protocol === "http:" && LOOPBACK.has(issuer.hostname) ? { [oauth.allowInsecureRequests]: true } : {};
}

async function discover(issuer: URL, http: Provider["http"]): Promise<oauth.AuthorizationServer> {
  try {
    return await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, http));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return fail("PROVIDER_UNREACHABLE", `Discovery at ${issuer.href} failed: ${message}`);
  }
}

/**
 * This store's client of the configured provider.
 *
 * @example
 * const provider = await providerOf(settingsOf(context));
 * provider.as.authorization_endpoint; // "https://accounts.google.com/o/oauth2/v2/auth"
 */
export async function providerOf(settings: Settings): Promise<Provider> {
  const http = httpOptions(settings.issuer);
  const key = settings.issuer.href;
  let entry = discovered.get(key);
  if (!entry || Date.now() - entry.at > TTL_MS) {
    entry = { at: Date.now(), metadata: discover(settings.issuer, http) };
    discovered.set(key, entry);
    // a failed discovery is not kept: the next sign-in asks again
    entry.metadata.catch(() => discovered.delete(key));
  }
  const as = await entry.metadata;
  if (!as.authorization_endpoint || !as.token_endpoint || !as.jwks_uri) {
    return fail(
      "PROVIDER_UNREACHABLE",
      `${as.issuer} does not advertise an authorization endpoint, a token endpoint and a JWKS; it is not an OpenID provider google-oauth can use.`,
    );
  }
  let keys = keySets.get(as.jwks_uri);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(as.jwks_uri), { timeoutDuration: 5000 });
    keySets.set(as.jwks_uri, keys);
  }
  return {
    as,
    client: { client_id: settings.clientId },
    auth: oauth.ClientSecretPost(settings.clientSecret),
    http,
    issuers: [...new Set([as.issuer, as.issuer.replace(/^https?:\/\//, "")])],
    keys,
  };
}

/** An oauth4webapi error of the token endpoint as a failure with `code`, in the provider's own words. */
export function tokenEndpointFailure(code: "TOKEN_EXCHANGE_FAILED" | "REFRESH_FAILED", error: unknown): SignInFailure {
  if (error instanceof SignInFailure) return error;
  if (error instanceof oauth.ResponseBodyError) {
    const description = error.error_description ? `: ${error.error_description}` : "";
    const what = code === "REFRESH_FAILED" ? "refresh token" : "code";
    return new SignInFailure(code, `The provider refused the ${what} (${error.error}${description}).`);
  }
  if (error instanceof oauth.OperationProcessingError) {
    const claim = (error.cause as { claim?: unknown } | undefined)?.claim;
    const known = typeof claim === "string" ? CLAIM_FAILURES[claim] : undefined;
    if (known) return new SignInFailure(...known);
    if (error.code === oauth.JWT_TIMESTAMP_CHECK)
      return new SignInFailure("TOKEN_EXPIRED", "The ID token has expired.");
    return new SignInFailure(code, `The provider's token response is not usable: ${error.message}`);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SignInFailure("PROVIDER_UNREACHABLE", `The provider's token endpoint did not answer usably: ${message}`);
}
