/**
 * Endpoint secrets and signatures. Secrets are Standard Webhooks secrets (`whsec_` and the base64 of
 * 24-64 random bytes), stored encrypted with the platform's AES-GCM envelope, the tenant and endpoint
 * bound as additional data. Signing is the `standardwebhooks` reference library's, never our own HMAC:
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
import { Webhook } from "standardwebhooks";
import { decryptValue, encryptValue } from "../config/index.ts";

const PREFIX = "whsec_";
const SECRET_BYTES = 32;
const fromB64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

export function generateSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
  return `${PREFIX}${btoa(String.fromCharCode(...bytes))}`;
}

/** Why `secret` is not a usable Standard Webhooks secret; null when it is. */
export function secretProblem(secret: string): string | null {
  const body = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : null;
  if (body === null || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
    return `must be "${PREFIX}" followed by base64 (omit it to have one generated)`;
  }
  let length: number;
  try {
    length = fromB64(body).length;
  } catch {
    return "is not valid base64";
  }
  // the spec asks for 24 to 64 bytes of key material
  if (length < 24 || length > 64) return `must encode 24 to 64 bytes; this one has ${length}`;
  return null;
}

const additionalData = (tenantId: string, endpointId: string) => `webhook-endpoint:${tenantId}:${endpointId}`;

export interface SecretScope {
  key: string;
  tenantId: string;
  endpointId: string;
}

export function sealSecret(scope: SecretScope, secret: string): Promise<string> {
  return encryptValue(scope.key, additionalData(scope.tenantId, scope.endpointId), secret);
}

export async function openSecret(scope: SecretScope, envelope: string): Promise<string> {
  const secret = await decryptValue(scope.key, additionalData(scope.tenantId, scope.endpointId), envelope);
  if (typeof secret !== "string") throw new Error(`the secret of webhook endpoint ${scope.endpointId} is malformed`);
  return secret;
}

export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/**
 * The Standard Webhooks headers for one attempt. With more than one secret (a rotation's overlap) the
 * signature header lists one `v1,` signature per secret, space-separated, as the spec allows, so a
 * receiver holding either secret verifies.
 */
export function signedHeaders(messageId: string, at: Date, body: string, secrets: readonly string[]): SignedHeaders {
  return {
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": secrets.map((secret) => new Webhook(secret).sign(messageId, at, body)).join(" "),
  };
}
