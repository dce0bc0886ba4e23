/**
 * Sensitive settings are encrypted at rest with AES-GCM (Web Crypto), a fresh
 * 96-bit IV per value, under a 256-bit key held as a Worker secret. The tenant
 * and plugin are bound as additional data, so a ciphertext copied to another
 * tenant's or plugin's row does not decrypt.
 */
import { ConfigError } from "./errors.ts";

const PREFIX = "enc:v1:";

export function isEncrypted(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(PREFIX);
}

const keyCache = new Map<string, Promise<CryptoKey>>();

function importKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    const raw = Uint8Array.from(atob(secret), (c) => c.charCodeAt(0));
    if (raw.length !== 32) {
      throw new ConfigError("INTERNAL", "CONFIG_ENCRYPTION_KEY must be 32 random bytes, base64-encoded.");
    }
    key = crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
    keyCache.set(secret, key);
  }
  return key;
}

const toB64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromB64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

export async function encryptValue(secret: string, aad: string, value: unknown): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plaintext = new TextEncoder().encode(JSON.stringify(value));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(aad) },
    await importKey(secret),
    plaintext,
  );
  return `${PREFIX}${toB64(iv)}:${toB64(new Uint8Array(ciphertext))}`;
}

export async function decryptValue(secret: string, aad: string, envelope: string): Promise<unknown> {
  const [iv, data] = envelope.slice(PREFIX.length).split(":");
  if (!iv || !data) throw new ConfigError("INTERNAL", "A stored sensitive setting is malformed.");
  const plaintext = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromB64(iv), additionalData: new TextEncoder().encode(aad) },
    await importKey(secret),
    fromB64(data),
  );
  return JSON.parse(new TextDecoder().decode(plaintext));
}
