/**
 * Why a sign-in was refused: one code per reason, so `authentication_failed` (and the error page) say
 * exactly what went wrong. Thrown inside the plugin as `SignInFailure` and answered by `authenticate`
 * as `{ success: false, error: { code, message } }`.
 */
export type FailureCode =
  // the browser's side of the flow (the callback's query and the plugin's state cookie)
  | "PROVIDER_ERROR"
  | "STATE_MISSING"
  | "STATE_MISMATCH"
  | "STATE_UNKNOWN"
  | "STATE_EXPIRED"
  | "STATE_REPLAYED"
  | "CODE_MISSING"
  | "ISSUER_MISMATCH"
  // the provider's answers
  | "PROVIDER_UNREACHABLE"
  | "TOKEN_EXCHANGE_FAILED"
  | "NO_ID_TOKEN"
  // the ID token
  | "INVALID_ID_TOKEN"
  | "BAD_SIGNATURE"
  | "UNKNOWN_SIGNING_KEY"
  | "WRONG_ISSUER"
  | "WRONG_AUDIENCE"
  | "TOKEN_EXPIRED"
  | "TOKEN_NOT_YET_VALID"
  | "NONCE_MISMATCH"
  | "EMAIL_MISSING"
  | "EMAIL_UNVERIFIED"
  | "DOMAIN_NOT_ALLOWED"
  // what the caller sent, and the plugin's own configuration
  | "INVALID_CREDENTIALS"
  | "REFRESH_FAILED"
  | "MISCONFIGURED";

export class SignInFailure extends Error {
  override readonly name = "SignInFailure";
  readonly code: FailureCode;
  constructor(code: FailureCode, message: string) {
    super(message);
    this.code = code;
  }
}

export const fail = (code: FailureCode, message: string): never => {
  throw new SignInFailure(code, message);
};

/** An ID token claim that failed its check (jose's or oauth4webapi's), as the failure it means. */
export const CLAIM_FAILURES: Record<string, [FailureCode, string]> = {
  iss: ["WRONG_ISSUER", "The ID token was issued by another issuer than the configured provider."],
  aud: ["WRONG_AUDIENCE", "The ID token was issued to another application (its aud is not this store's client id)."],
  azp: ["WRONG_AUDIENCE", "The ID token was issued to another application (azp)."],
  nonce: ["NONCE_MISMATCH", "The ID token's nonce is not the one this sign-in sent: it belongs to another sign-in."],
  nbf: ["TOKEN_NOT_YET_VALID", "The ID token is not valid yet (nbf is in the future)."],
  iat: ["TOKEN_NOT_YET_VALID", "The ID token was issued in the future (iat)."],
};
