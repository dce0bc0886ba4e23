/** The before_product_create handler of every bench-chain plugin: appends the plugin's slug to metadata.bench_chain. */
import type { HookHandler, ProductHookData } from "@digital-commerce/plugin-sdk";

const step: HookHandler<ProductHookData> = async (context, data) => {
  const chain = Array.isArray(data.product.metadata.bench_chain) ? data.product.metadata.bench_chain : [];
  return {
    ...data,
    product: { ...data.product, metadata: { ...data.product.metadata, bench_chain: [...chain, context.plugin.slug] } },
  };
};

export default step;
