/** after_product_update: the product's entry in the CMS brought up to date, found by its SKU or its previous one. */
import type { HookHandler, ProductHookData } from "@digital-commerce/plugin-sdk";
import { pushProduct } from "../push.ts";

const handler: HookHandler<ProductHookData> = async (context, data) => {
  await pushProduct(context, data.product, data.previous);
};

export default handler;
