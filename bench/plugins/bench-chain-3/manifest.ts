/** Step 3 of the 5-step before_product_create chain the hook benchmark measures (bench/hooks.mjs). */
import { createPlugin } from "@digital-commerce/plugin-sdk";

export const manifest = createPlugin("Bench chain step 3", "bench-chain-3")
  .version("1.0.0")
  .hook("before_product_create", "src/step.ts", 30)
  .build();
