/**
 * A product page's content for the storefront: the CMS's published entry for the SKU, kept in the
 * platform's cache for `cache_ttl` seconds. While a cached page lasts it is answered without asking the
 * CMS, so a CMS that is down goes unnoticed until then; after it, the CMS's failure is the answer. The
 * CMS's webhook drops a page the moment an editor changes it (plugin.ts' handleWebhook).
 */
import { type CmsContent, cmsContentSchema, type PluginContext } from "@digital-commerce/plugin-sdk";
import { z } from "zod";
import { CmsError } from "./provider.ts";
import { providerOf, SettingsError, settingsOf } from "./settings.ts";

/** KV's shortest expiry: a page cached for less carries its own expiry, and KV drops it a little later. */
const KV_MIN_TTL = 60;

const cachedPageSchema = z.object({ page: cmsContentSchema, expires_at: z.number() });

export type PageAnswer =
  | { found: true; page: CmsContent; source: "cache" | "cms"; expires_at: number }
  | { found: false; status: 404 | 502; code: string; message: string };

/** The cache key of a SKU's page: encoded, so no SKU can make a key the cache refuses. */
export const pageKey = (sku: string) => `page:${encodeURIComponent(sku)}`;

export async function productPage(context: PluginContext, sku: string, now = Date.now()): Promise<PageAnswer> {
  const cached = cachedPageSchema.safeParse(await context.cache.get(pageKey(sku)));
  if (cached.success && cached.data.expires_at > now) {
    return { found: true, page: cached.data.page, source: "cache", expires_at: cached.data.expires_at };
  }
  let label = "the CMS";
  try {
    const settings = settingsOf(context);
    const cms = providerOf(context, settings);
    label = cms.label;
    const page = await cms.publishedPage(sku);
    if (!page) {
      return {
        found: false,
        status: 404,
        code: "PAGE_NOT_FOUND",
        message: `${label} has no published page for SKU ${sku}`,
      };
    }
    const expires = now + settings.cache_ttl * 1000;
    await context.cache.set(pageKey(sku), { page, expires_at: expires }, Math.max(settings.cache_ttl, KV_MIN_TTL));
    return { found: true, page, source: "cms", expires_at: expires };
  } catch (error) {
    if (error instanceof SettingsError)
      return { found: false, status: 502, code: "CMS_MISCONFIGURED", message: error.message };
    if (!(error instanceof CmsError)) throw error;
    context.logger.warn("product page not served: the CMS failed", { sku, code: error.code, cms: label });
    return {
      found: false,
      status: 502,
      code: error.code,
      message: `no cached page for SKU ${sku}, and ${error.detail}`,
    };
  }
}

/** Drops a SKU's cached page, so the next read asks the CMS. */
export async function forgetPage(context: PluginContext, sku: string): Promise<void> {
  await context.cache.delete(pageKey(sku));
}
