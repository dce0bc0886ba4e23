// The peer's misbehaviour knobs: ID tokens a correct relying party must refuse (or, for the alternate
// issuer, must accept), made by re-signing the real token's claims after oidc-provider issued them.
import { CompactSign, type CryptoKey, decodeJwt, decodeProtectedHeader, type JWTPayload } from "jose";
import { z } from "zod";

/**
 * What the next ID token gets wrong:
 * - `expired`: `exp` an hour ago (and `iat` two hours ago), signed with the provider's key.
 * - `wrong_audience`: `aud` names another client.
 * - `foreign_key`: signed by a key that is not in the provider's JWKS, under the `kid` of the provider's
 *   key, so only a signature check (not a kid lookup) catches it.
 * - `wrong_nonce`: a `nonce` other than the one the authorization request sent.
 * - `alternate_issuer`: `iss` is the issuer without its scheme (`127.0.0.1:<port>`), this peer's
 *   counterpart of Google's `accounts.google.com` beside `https://accounts.google.com`.
 */
export const IdTokenMisbehaviourSchema = z.enum([
  "expired",
  "wrong_audience",
  "foreign_key",
  "wrong_nonce",
  "alternate_issuer",
]);
export type IdTokenMisbehaviour = z.infer<typeof IdTokenMisbehaviourSchema>;

/** `next`: only the next token response that carries an ID token; `all`: every one until reset. */
export const MisbehaviourScopeSchema = z.enum(["next", "all"]);
export type MisbehaviourScope = z.infer<typeof MisbehaviourScopeSchema>;

/** The body of `POST /__control/misbehave`. */
export const MisbehaveRequestSchema = z.object({
  id_token: IdTokenMisbehaviourSchema,
  for: MisbehaviourScopeSchema.default("next"),
});

/** The audience a `wrong_audience` token names: some other relying party's client id. */
export const WRONG_AUDIENCE = "another-relying-party.apps.test";

export interface SigningKeys {
  /** the provider's own signing key, the one its JWKS publishes */
  provider: CryptoKey;
  /** a key of the same type that the JWKS never lists */
  foreign: CryptoKey;
}

/** The armed knob, consumed by the token responses it applies to. */
export class Misbehaviour {
  #armed: { kind: IdTokenMisbehaviour; scope: MisbehaviourScope } | null = null;

  arm(kind: IdTokenMisbehaviour, scope: MisbehaviourScope = "next"): void {
    this.#armed = { kind, scope };
  }

  reset(): void {
    this.#armed = null;
  }

  current(): { kind: IdTokenMisbehaviour; scope: MisbehaviourScope } | null {
    return this.#armed;
  }

  /** The knob to apply to this token response, disarming a one-shot knob. */
  take(): IdTokenMisbehaviour | null {
    const armed = this.#armed;
    if (armed?.scope === "next") this.#armed = null;
    return armed?.kind ?? null;
  }
}

/** The ID token `idToken` (issued by the provider for `issuer`) with the misbehaviour `kind` applied. */
export async function misbehave(
  idToken: string,
  kind: IdTokenMisbehaviour,
  issuer: string,
  keys: SigningKeys,
): Promise<string> {
  const header = decodeProtectedHeader(idToken);
  const claims: JWTPayload = { ...decodeJwt(idToken) };
  const now = Math.floor(Date.now() / 1000);
  switch (kind) {
    case "expired":
      claims.iat = now - 7200;
      claims.exp = now - 3600;
      break;
    case "wrong_audience":
      claims.aud = WRONG_AUDIENCE;
      delete claims.azp;
      break;
    case "wrong_nonce":
      claims.nonce = `not-${String(claims.nonce ?? "the-nonce")}`;
      break;
    case "alternate_issuer":
      claims.iss = new URL(issuer).host;
      break;
    case "foreign_key":
      break;
  }
  const key = kind === "foreign_key" ? keys.foreign : keys.provider;
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ ...header, alg: header.alg ?? "RS256" })
    .sign(key);
}
