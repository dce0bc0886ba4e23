/** after_product_create: the new product's entry in the CMS, upserted by SKU (src/push.ts). */
import type { HookHandler, ProductHookData } from "@digital-commerce/plugin-sdk";
import { pushProduct } from "../push.ts";

const handler: HookHandler<ProductHookData> = async (context, data) => {
  await pushProduct(context, data.product, data.previous);
};

export default handler;
