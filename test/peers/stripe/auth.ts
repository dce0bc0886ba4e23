/**
 * Stripe's authentication: the secret key as a Bearer token (or as the Basic user name, as `curl -u
 * sk_test_…:` sends it), refused with Stripe's 401 messages. The key found is the account.
 * https://docs.stripe.com/api/authentication
 */
import { StripeApiError } from "./errors.ts";

function unauthorized(message: string): StripeApiError {
  return new StripeApiError(401, { type: "invalid_request_error", message }, { executed: false });
}

/** Stripe shows the key's first characters and last four, nothing in between. */
function masked(key: string): string {
  if (key.length <= 12) return `${key.slice(0, 3)}${"*".repeat(Math.max(key.length - 3, 0))}`;
  return `${key.slice(0, 8)}${"*".repeat(key.length - 12)}${key.slice(-4)}`;
}

function presentedKey(authorization: string | null): string | null {
  if (!authorization) return null;
  const [scheme, value = ""] = authorization.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === "bearer") return value || null;
  if (scheme?.toLowerCase() === "basic") {
    const user = Buffer.from(value, "base64").toString("utf8").split(":")[0];
    return user || null;
  }
  return null;
}

/** The account (API key) the request authenticates as, or Stripe's 401. */
export function authenticate(authorization: string | null, apiKeys: readonly string[]): string | StripeApiError {
  const key = presentedKey(authorization);
  if (!key) {
    return unauthorized(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using " +
        "Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication " +
        "for details, or we can help at https://support.stripe.com/.",
    );
  }
  if (key.startsWith("pk_")) {
    return unauthorized(
      "This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list " +
        "of your API keys at https://dashboard.stripe.com/account/apikeys.",
    );
  }
  if (!apiKeys.includes(key)) return unauthorized(`Invalid API Key provided: ${masked(key)}`);
  return key;
}

/** Dated versions (`2026-10-28.endive`, `2020-08-27`); Stripe refuses anything else. */
export function checkApiVersion(version: string | null): StripeApiError | null {
  if (version === null || /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(version)) return null;
  return new StripeApiError(
    400,
    { type: "invalid_request_error", message: `Invalid Stripe API version: ${version}` },
    { executed: false },
  );
}
