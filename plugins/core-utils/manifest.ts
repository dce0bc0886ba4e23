/** core-utils: shared helpers other plugins build on; here, product normalisation before create. */
import { createPlugin } from "@digital-commerce/plugin-sdk";

export const manifest = createPlugin("Core Utils", "core-utils")
  .version("1.2.0")
  .category("utility")
  .description("Shared utilities for other plugins: normalises product titles and SKUs before they are stored.")
  .author("Digital Commerce")
  .hook("before_product_create", "src/hooks/normalizeProduct.ts", 10)
  .setting("sku_prefix", { type: "string", label: "SKU prefix", default: "", max: 16 })
  .build();
