/**
 * The plugin's cache and storage in a test: Maps, with the rules the platform's KV and R2
 * capabilities apply (keys relative to the plugin's namespace, cached values as JSON, a TTL of
 * at least 60 seconds, string metadata), so a test fails where the platform would refuse.
 */
import type { CacheBinding, StorageBinding } from "../runtime/protocol.ts";

/** KV refuses expirations under 60 seconds. */
const MIN_TTL_SECONDS = 60;
const MAX_KEY_LENGTH = 512;

/** The platform's key rules (README, "The sandbox"): no way to name anything outside the namespace. */
export function checkKey(key: unknown): string {
  if (typeof key !== "string" || key.length === 0) throw new Error("INVALID_KEY: a key must be a non-empty string");
  if (key.length > MAX_KEY_LENGTH) throw new Error(`INVALID_KEY: a key must be at most ${MAX_KEY_LENGTH} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(key)) throw new Error("INVALID_KEY: a key must not contain control characters");
  if (key.startsWith("/"))
    throw new Error(`INVALID_KEY: "${key}" is absolute; keys are relative to the plugin's namespace`);
  if (key.includes("\\")) throw new Error("INVALID_KEY: a key must not contain backslashes");
  if (key.split("/").some((segment) => segment === ".." || segment === ".")) {
    throw new Error(`INVALID_KEY: "${key}" has a "." or ".." segment`);
  }
  return key;
}

/**
 * A cache on a Map. `now` is the clock expirations are read against, so a test can move it on.
 *
 * @example
 * const cache = memoryCache(() => Date.now());
 */
export function memoryCache(now: () => number): CacheBinding {
  const entries = new Map<string, { json: string; expires: number }>();
  return {
    async get(key) {
      const entry = entries.get(checkKey(key));
      if (!entry || entry.expires <= now()) return null;
      return JSON.parse(entry.json) as unknown;
    },
    async set(key, value, ttl) {
      if (ttl !== undefined && (!Number.isFinite(ttl) || ttl < MIN_TTL_SECONDS)) {
        throw new Error(`INVALID_ARGUMENT: ttl must be a number of seconds, at least ${MIN_TTL_SECONDS}`);
      }
      // stored as JSON, as KV stores it: what does not survive JSON does not come back
      const json = JSON.stringify(value ?? null);
      entries.set(checkKey(key), {
        json,
        expires: ttl === undefined ? Number.POSITIVE_INFINITY : now() + ttl * 1000,
      });
    },
    async delete(key) {
      entries.delete(checkKey(key));
    },
  };
}

/**
 * Object storage on a Map; objects are copied in and out, as R2 would.
 *
 * @example
 * const storage = memoryStorage();
 */
export function memoryStorage(): StorageBinding {
  const objects = new Map<string, { data: ArrayBuffer; metadata: Record<string, string> }>();
  return {
    async upload(key, data, metadata) {
      const name = checkKey(key);
      if (!(data instanceof ArrayBuffer)) throw new Error("INVALID_ARGUMENT: data must be an ArrayBuffer");
      if (metadata && Object.values(metadata).some((v) => typeof v !== "string")) {
        throw new Error("INVALID_ARGUMENT: metadata values must be strings");
      }
      objects.set(name, { data: data.slice(0), metadata: { ...metadata } });
      return name;
    },
    async download(key) {
      const name = checkKey(key);
      const object = objects.get(name);
      if (!object) throw new Error(`NOT_FOUND: no object "${name}"`);
      return object.data.slice(0);
    },
    async delete(key) {
      objects.delete(checkKey(key));
    },
  };
}
