/** What the storefront needs to confirm a payment with Stripe.js: the publishable key, nothing secret. */
import type { PluginContext } from "@digital-commerce/plugin-sdk";

export default async function publicConfig(context: PluginContext) {
  const key = context.plugin.config.publishable_key;
  return { publishable_key: typeof key === "string" ? key : null };
}
