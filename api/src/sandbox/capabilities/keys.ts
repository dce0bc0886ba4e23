/**
 * Keys a plugin passes to cache and storage are relative to its own namespace.
 * Refused: empty or over-long keys, `..` segments, absolute paths, backslashes
 * and control characters, so no key can name anything outside the namespace.
 */
import type { TenantDb } from "../../ledger/tenant-db.ts";
import { CapabilityError } from "../errors.ts";
import type { CapabilityProps } from "./props.ts";
import { recordSecurityEvent } from "./security-events.ts";

const MAX_KEY_LENGTH = 512;

export function checkKey(key: unknown): string {
  if (typeof key !== "string" || key.length === 0)
    throw new CapabilityError("INVALID_KEY", "a key must be a non-empty string");
  if (key.length > MAX_KEY_LENGTH)
    throw new CapabilityError("INVALID_KEY", `a key must be at most ${MAX_KEY_LENGTH} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(key))
    throw new CapabilityError("INVALID_KEY", "a key must not contain control characters");
  if (key.startsWith("/"))
    throw new CapabilityError("INVALID_KEY", `"${key}" is absolute; keys are relative to the plugin's namespace`);
  if (key.includes("\\")) throw new CapabilityError("INVALID_KEY", "a key must not contain backslashes");
  if (key.split("/").some((segment) => segment === ".." || segment === ".")) {
    throw new CapabilityError("INVALID_KEY", `"${key}" has a "." or ".." segment`);
  }
  return key;
}

/** checkKey, with a refusal recorded against the plugin: an escape attempt is worth knowing about. */
export function checkKeyRecorded(
  scope: { db: TenantDb; props: CapabilityProps; waitUntil(p: Promise<unknown>): void },
  area: "cache" | "storage",
  key: unknown,
): string {
  try {
    return checkKey(key);
  } catch (error) {
    const detail = `${area} key ${JSON.stringify(key)?.slice(0, 200)}: ${(error as Error).message}`;
    scope.waitUntil(recordSecurityEvent(scope.db, { ...scope.props, kind: "invalid_key", detail }));
    throw error;
  }
}
