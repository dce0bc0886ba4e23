/**
 * A configuration moving to another version's settings schema (an upgrade or a rollback's target): each
 * new setting takes the stored value of the same key, or of the key it was `renamed_from`, converted
 * when its type changed; settings the new version added come with their defaults; settings it removed
 * are dropped. What the old configuration cannot fill (a required setting without a default, a value
 * that cannot become the new type) refuses the move, naming the field, unless the caller supplies it.
 */
import type { SettingSpec, SettingsSchema } from "@digital-commerce/plugin-sdk";
import type { ConfigChange } from "../admin/answers/index.ts";
import { decryptValue, isEncrypted } from "./crypto.ts";
import { ConfigError } from "./errors.ts";
import { missingRequired } from "./settings.ts";
import { type ConfigScope, MASK, prepareConfig } from "./store.ts";

// the shape is part of the admin API's answers (an upgrade's plan), shared with the CLI and the dashboard
export type { ConfigChange };

export interface MigratedConfig {
  /** The stored form for the new version: sensitive values encrypted under their (new) keys. */
  config: Record<string, unknown>;
  changes: ConfigChange[];
}

const NO_VALUE = Symbol("no value");

/**
 * `value` as a setting of type `to`, when the conversion loses nothing (`"42"` to 42, 3 to `"3"`,
 * `"true"` to true); NO_VALUE when it would.
 */
function convert(value: unknown, to: SettingSpec["type"]): unknown {
  switch (to) {
    case "string":
    case "url":
    case "email":
      if (typeof value === "string") return value;
      return typeof value === "number" || typeof value === "boolean" ? String(value) : NO_VALUE;
    case "number":
    case "integer": {
      const n =
        typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
      if (!Number.isFinite(n) || (to === "integer" && !Number.isInteger(n))) return NO_VALUE;
      return n;
    }
    case "boolean":
      if (typeof value === "boolean") return value;
      return value === "true" ? true : value === "false" ? false : NO_VALUE;
    case "json":
      return value;
  }
}

/** The stored values in the clear: only what was stored, no defaults. */
async function plainValues(stored: Record<string, unknown>, scope: ConfigScope): Promise<Record<string, unknown>> {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stored)) {
    plain[key] = isEncrypted(value)
      ? await decryptValue(scope.secret, `${scope.tenantId}/${scope.slug}/${key}`, value)
      : value;
  }
  return plain;
}

/**
 * The configuration `stored` (under `from`'s schema) as `to`'s, with `given` (the operator's values for
 * the new version, masked secrets meaning "carry over") applied last. Throws INVALID_CONFIGURATION
 * naming each field it cannot fill.
 */
export async function migrateConfig(
  from: SettingsSchema,
  to: SettingsSchema,
  stored: Record<string, unknown>,
  given: Record<string, unknown>,
  scope: ConfigScope,
): Promise<MigratedConfig> {
  const old = await plainValues(stored, scope);
  const candidate: Record<string, unknown> = {};
  const changes: ConfigChange[] = [];
  const consumed = new Set<string>();
  const problems: { field: string; message: string }[] = [];
  for (const [key, spec] of Object.entries(to)) {
    const source = Object.hasOwn(old, key)
      ? key
      : spec.renamed_from && Object.hasOwn(old, spec.renamed_from)
        ? spec.renamed_from
        : undefined;
    const supplied = Object.hasOwn(given, key) && given[key] !== MASK;
    if (source !== undefined) consumed.add(source);
    if (supplied) {
      candidate[key] = given[key];
      changes.push({ key, change: "set" });
      continue;
    }
    if (source === undefined) {
      // a setting both versions have, with no value stored: nothing to carry, and nothing new
      if (from[key]?.type === spec.type) changes.push({ key, change: "kept" });
      else
        changes.push(
          spec.default === undefined ? { key, change: "added" } : { key, change: "added", default: spec.default },
        );
      continue;
    }
    const fromType = from[source]?.type ?? spec.type;
    const value = fromType === spec.type ? old[source] : convert(old[source], spec.type);
    if (value === NO_VALUE) {
      problems.push({
        field: `config.${key}`,
        message: `the stored ${source} (${fromType}) cannot become a ${spec.type} without losing it; give config.${key}`,
      });
      continue;
    }
    candidate[key] = value;
    if (fromType !== spec.type)
      changes.push({ key, change: "retyped", from: source, from_type: fromType, to_type: spec.type });
    else if (source !== key) changes.push({ key, change: "renamed", from: source });
    else changes.push({ key, change: "kept" });
  }
  for (const key of Object.keys(old)) if (!consumed.has(key)) changes.push({ key, change: "removed" });
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(to, key))
      problems.push({ field: `config.${key}`, message: "is not a setting of the new version" });
  }
  const missing = missingRequired(to, candidate).filter((key) => !problems.some((p) => p.field === `config.${key}`));
  for (const key of missing) {
    problems.push({
      field: `config.${key}`,
      message: "is required by the new version and the current configuration has no value for it; give it",
    });
  }
  if (problems.length > 0) {
    throw new ConfigError(
      "INVALID_CONFIGURATION",
      `The configuration cannot move to the new version: ${problems.map((p) => `${p.field} ${p.message}`).join("; ")}`,
      { issues: problems },
    );
  }
  // the carried-over values meet the new version's rules (bounds, patterns, addresses) or the move is refused
  return { config: await prepareConfig(to, candidate, {}, scope), changes };
}
