/**
 * What a configuration looks like at rest and on the wire: sensitive values are
 * encrypted in D1, masked in every answer, and a masked value sent back means
 * "keep what is stored", so a settings form can round-trip without the secret.
 */
import type { SettingsSchema } from "@digital-commerce/plugin-sdk";
import { describeIssues, fieldIssues } from "../errors/index.ts";
import { decryptValue, encryptValue, isEncrypted } from "./crypto.ts";
import { ConfigError } from "./errors.ts";
import { defaultsOf, missingRequired, partialConfigSchema, sensitiveKeys } from "./settings.ts";

export const MASK = "********";

export interface ConfigScope {
  secret: string;
  tenantId: string;
  slug: string;
  /** Whether service-address settings may name loopback and private hosts (development only). */
  allowPrivateUrls?: boolean;
}

const aadOf = (scope: ConfigScope, key: string) => `${scope.tenantId}/${scope.slug}/${key}`;

/**
 * Validates a whole new configuration (PUT semantics) for storage. Every given
 * value is checked; required ones may still be missing, since activation is what
 * demands them. Returns the stored form, with sensitive values encrypted.
 */
export async function prepareConfig(
  settings: SettingsSchema,
  input: Record<string, unknown>,
  stored: Record<string, unknown>,
  scope: ConfigScope,
): Promise<Record<string, unknown>> {
  const sensitive = new Set(sensitiveKeys(settings));
  const kept: Record<string, unknown> = {};
  const candidate = { ...input };
  for (const key of sensitive) {
    if (candidate[key] === MASK && stored[key] !== undefined) {
      kept[key] = stored[key];
      delete candidate[key];
    }
  }
  const parsed = partialConfigSchema(settings, { allowPrivate: scope.allowPrivateUrls === true }).safeParse(candidate);
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error, "config");
    throw new ConfigError("INVALID_CONFIGURATION", `Invalid configuration: ${describeIssues(issues)}`, { issues });
  }
  const result: Record<string, unknown> = { ...kept };
  for (const [key, value] of Object.entries(parsed.data)) {
    if (value === undefined) continue;
    result[key] = sensitive.has(key) ? await encryptValue(scope.secret, aadOf(scope, key), value) : value;
  }
  return result;
}

/** The configuration as clients see it: defaults filled in, sensitive values masked. */
export function maskedConfig(settings: SettingsSchema, stored: Record<string, unknown>): Record<string, unknown> {
  const sensitive = new Set(sensitiveKeys(settings));
  const view: Record<string, unknown> = { ...defaultsOf(settings) };
  for (const [key, value] of Object.entries(stored)) view[key] = sensitive.has(key) ? MASK : value;
  return view;
}

/** The configuration the plugin itself receives: defaults filled in, secrets decrypted. */
export async function revealConfig(
  settings: SettingsSchema,
  stored: Record<string, unknown>,
  scope: ConfigScope,
): Promise<Record<string, unknown>> {
  const view: Record<string, unknown> = { ...defaultsOf(settings) };
  for (const [key, value] of Object.entries(stored)) {
    view[key] = isEncrypted(value) ? await decryptValue(scope.secret, aadOf(scope, key), value) : value;
  }
  return view;
}

/** Refuses activation while a required setting has no value, naming each. */
export function assertComplete(settings: SettingsSchema, stored: Record<string, unknown>, slug: string): void {
  const missing = missingRequired(settings, stored);
  if (missing.length > 0) {
    throw new ConfigError(
      "INVALID_CONFIGURATION",
      `${slug} needs ${missing.map((k) => `config.${k}`).join(", ")} before it can be activated; set ${missing.length === 1 ? "it" : "them"} with PUT /api/admin/plugins/${slug}/config.`,
      { issues: missing.map((k) => ({ field: `config.${k}`, message: "is required" })) },
    );
  }
}
