/**
 * cms-integration's CmsPlugin methods over the provider interface (src/provider.ts): entries read from
 * the CMS the store's settings name, and the CMS's webhook events, queued by the platform after
 * src/webhooks/verify.ts accepted them, dropping the cached page of the product they changed.
 */
import {
  type CmsContentQuery,
  cmsContentQuerySchema,
  type PluginContext,
  type PluginImplementation,
} from "@digital-commerce/plugin-sdk";
import { z } from "zod";
import { forgetPage } from "./src/page.ts";
import { providerOf } from "./src/settings.ts";

/** What verify queued: the event's id and type, and the change it reported (src/provider.ts' CmsChange). */
const queuedEventSchema = z.object({
  id: z.string(),
  type: z.string(),
  data: z.object({ event: z.string(), sku: z.string().nullable() }),
});

const plugin: PluginImplementation<"cms"> = {
  async getContent(context, id, options = {}) {
    return await providerOf(context).getEntry(id, options);
  },

  async listContent(context, query: CmsContentQuery) {
    return await providerOf(context).listEntries(cmsContentQuerySchema.parse(query));
  },

  /**
   * Any change to a product's entry (created, updated, published, unpublished, deleted) drops its cached
   * page: the next storefront read asks the CMS. An event about no product (another content type) is
   * nothing to do. Dropping twice is harmless, so a redelivered event needs no bookkeeping.
   */
  async handleWebhook(context: PluginContext, type: string, event: unknown) {
    const parsed = queuedEventSchema.safeParse(event);
    if (!parsed.success) throw new Error(`webhook ${type} was queued without the change verify reported`);
    const { sku } = parsed.data.data;
    if (!sku) {
      context.logger.info("CMS webhook about no product page; nothing cached to drop", { type });
      return;
    }
    await forgetPage(context, sku);
    context.logger.info("product page dropped from the cache", { type, sku, event: parsed.data.id });
  },
};

export default plugin;
