/** core-utils: shared helpers other plugins build on: product normalisation before create, and money services. */
import { createPlugin } from "@digital-commerce/plugin-sdk";

export const manifest = createPlugin("Core Utils", "core-utils")
  .version("1.3.0")
  .category("utility")
  .description(
    "Shared utilities for other plugins: normalises product titles and SKUs before they are stored, and serves money helpers (minor units per currency, exact decimals, formatting, conversion, minimum charges) to the plugins that depend on it.",
  )
  .author("Digital Commerce")
  .hook("before_product_create", "src/hooks/normalizeProduct.ts", 10)
  .setting("sku_prefix", { type: "string", label: "SKU prefix", default: "", max: 16 })
  .setting("exchange_rates", {
    type: "json",
    label: "Exchange rates",
    description:
      'Units of each currency one unit of a common base buys, e.g. {"USD": 1, "EUR": 0.92, "JPY": 150.3}; the convert service and minimum charges outside the built-in table use it.',
    default: {},
  })
  .build();
