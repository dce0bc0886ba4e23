/**
 * The plugin's own addresses. Browsers reach a plugin's public endpoints under the store's path,
 * /api/stores/<store>/plugins/google-oauth/..., so the redirect URI registered with the provider is
 * that path's /callback on the platform's public origin (the origin the browser used for /start).
 */
import type { PluginContext } from "@digital-commerce/plugin-sdk";

/**
 * The redirect URI of this store's sign-ins.
 *
 * @example
 * callbackUrl(context, request); // "https://shop.example.com/api/stores/acme/plugins/google-oauth/callback"
 */
export function callbackUrl(context: PluginContext, request: Request): string {
  const { origin } = new URL(request.url);
  return `${origin}/api/stores/${context.tenant.slug}/plugins/${context.plugin.slug}/callback`;
}

/** The state cookie: the plugin's own (the platform keeps it in the plugin's jar, under its path). */
export const STATE_COOKIE = "state";
export const STATE_COOKIE_PATH = "/callback";
