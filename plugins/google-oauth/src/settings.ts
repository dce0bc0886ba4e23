/**
 * The tenant's configuration of google-oauth, read once per call. The platform has already checked
 * each value against the manifest (types, patterns, the issuer's address rule); what only this
 * plugin knows, the role mapping's shape, is checked here and at activation.
 */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { fail } from "./failures.ts";
import { type RoleMapping, roleMappingOf } from "./roles.ts";

export const GOOGLE_ISSUER = "https://accounts.google.com";

export interface Settings {
  clientId: string;
  clientSecret: string;
  issuer: URL;
  /** Hosted domains (the ID token's `hd`) allowed to sign in; empty: any account. */
  allowedDomains: string[];
  /** Origins besides the store's own that `return_to` may name. */
  allowedReturnOrigins: string[];
  roleMapping: RoleMapping;
  /** How long a store session lasts. */
  sessionHours: number;
  /** Google's `prompt` (consent forces a refresh token on every sign-in), when set. */
  prompt: string | undefined;
}

/** A comma- or space-separated list setting, as its entries. */
export const listOf = (value: unknown): string[] =>
  typeof value === "string"
    ? value
        .split(/[\s,]+/)
        .map((entry) => entry.trim())
        .filter((entry) => entry !== "")
    : [];

const required = (config: Record<string, unknown>, key: string): string => {
  const value = config[key];
  return typeof value === "string" && value !== ""
    ? value
    : fail("MISCONFIGURED", `google-oauth needs its ${key} setting; set it in the plugin's configuration.`);
};

export function settingsOf(context: PluginContext): Settings {
  const config = context.plugin.config;
  const issuer = typeof config.issuer === "string" ? config.issuer : GOOGLE_ISSUER;
  const hours = config.session_hours;
  return {
    clientId: required(config, "client_id"),
    clientSecret: required(config, "client_secret"),
    issuer: new URL(issuer),
    allowedDomains: listOf(config.allowed_domains).map((d) => d.toLowerCase()),
    allowedReturnOrigins: listOf(config.allowed_return_origins).map((o) => new URL(o).origin),
    roleMapping: roleMappingOf(config.role_mapping),
    sessionHours: typeof hours === "number" && Number.isInteger(hours) && hours > 0 ? hours : 24,
    prompt: typeof config.prompt === "string" ? config.prompt : undefined,
  };
}
