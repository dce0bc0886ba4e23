/** Trims the title and upper-cases the SKU, adding the tenant's configured prefix. */
import type { HookHandler, ProductHookData } from "@digital-commerce/plugin-sdk";

export const normalizeProduct: HookHandler<ProductHookData> = async (context, data) => {
  const prefix = typeof context.plugin.config.sku_prefix === "string" ? context.plugin.config.sku_prefix : "";
  const sku = data.product.sku?.trim().toUpperCase();
  return {
    ...data.product,
    title: data.product.title.trim().replace(/\s+/g, " "),
    ...(sku ? { sku: sku.startsWith(prefix) ? sku : `${prefix}${sku}` } : {}),
  };
};

export default normalizeProduct;
