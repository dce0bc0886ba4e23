/**
 * The tenant's configuration of cms-integration, read once per call. The platform has already checked
 * each value against the manifest (types, bounds, patterns, the address rule for `cms_url`); the schema
 * here turns it into the typed settings the plugin uses, and names the setting when one is missing.
 */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { z } from "zod";
import { type CmsProvider, PROVIDERS } from "./provider.ts";
import { createStrapiProvider } from "./providers/strapi.ts";

/** KV keeps nothing under 60 s, so the plugin keeps its own expiry in the cached value (src/page.ts) and allows less. */
export const MIN_CACHE_TTL = 1;
export const MAX_CACHE_TTL = 86_400;

/** The header a CMS webhook carries the shared secret in: Strapi signs nothing, so this is how it is authenticated. */
export const WEBHOOK_SECRET_HEADER = "x-cms-webhook-secret";

const settingsSchema = z.object({
  provider: z.enum(PROVIDERS).default("strapi"),
  cms_url: z.url(),
  api_token: z.string().min(1),
  webhook_secret: z.string().min(16),
  content_type: z.string().min(1).default("products"),
  cache_ttl: z.number().int().min(MIN_CACHE_TTL).max(MAX_CACHE_TTL).default(300),
});
export type Settings = z.infer<typeof settingsSchema>;

export class SettingsError extends Error {
  override readonly name = "SettingsError";
}

export function settingsOf(context: PluginContext): Settings {
  const parsed = settingsSchema.safeParse(context.plugin.config);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join(".")))].join(", ");
    throw new SettingsError(
      `cms-integration's ${fields} setting is missing or invalid; set it in the plugin's configuration`,
    );
  }
  return parsed.data;
}

/**
 * The CMS the store's settings name. Reads go through `context.http`; writes that are not a POST
 * (Strapi's update is a PUT, which `context.http` has no method for) through the isolate's fetch,
 * which reaches the same egress gate.
 */
export function providerOf(context: PluginContext, settings = settingsOf(context)): CmsProvider {
  const send = (url: string, init: RequestInit) =>
    init.method === "GET" ? context.http.get(url, init) : fetch(url, init);
  switch (settings.provider) {
    case "strapi":
      return createStrapiProvider({
        baseUrl: settings.cms_url,
        token: settings.api_token,
        contentType: settings.content_type,
        send,
      });
  }
}
