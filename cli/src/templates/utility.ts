/**
 * The utility plugin `admin-cli scaffold utility` writes: a before hook that normalises products
 * (trimmed title, upper-case SKU with the store's prefix) and an endpoint reporting its settings.
 */
import { manifestHead, manifestStart, type PluginNames, str } from "./names.ts";
import type { CategoryTemplate } from "./template.ts";

export function utilityTemplate(p: PluginNames): CategoryTemplate {
  const manifest = `/** ${p.name}: a utility plugin. Normalises products before they are created. */
import { createPlugin } from "@digital-commerce/plugin-sdk";

${manifestStart("createPlugin", p)}
${manifestHead(p, `${p.name} utilities`)}
  .hook("before_product_create", "src/hooks/beforeProductCreate.ts")
  .apiEndpoint("GET", "/status", "src/api/status.ts")
  .setting("sku_prefix", {
    type: "string",
    label: "SKU prefix",
    description: "Added to every SKU that does not start with it.",
    default: "",
    max: 16,
  })
  .build();
`;

  const hook = `/** before_product_create: trims the title and upper-cases the SKU, adding the store's prefix. */
import type { HookHandler, ProductHookData } from "@digital-commerce/plugin-sdk";

// a before hook runs while the request waits: what it returns is the product that gets created
const beforeProductCreate: HookHandler<ProductHookData> = async (context, data) => {
  const prefix = String(context.plugin.config.sku_prefix ?? "").toUpperCase();
  const sku = data.product.sku?.trim().toUpperCase();
  return {
    ...data.product,
    title: data.product.title.trim().replace(/\\s+/g, " "),
    ...(sku ? { sku: sku.startsWith(prefix) ? sku : \`\${prefix}\${sku}\` } : {}),
  };
};

export default beforeProductCreate;
`;

  const endpoint = `/** GET /api/plugins/${p.slug}/status: the plugin's version and this store's settings of it. */
import type { PluginContext } from "@digital-commerce/plugin-sdk";

export default async function status(context: PluginContext) {
  return {
    plugin: context.plugin.slug,
    version: context.plugin.manifest.version,
    store: context.tenant.slug,
    settings: context.plugin.config,
  };
}
`;

  const test = `/** ${p.name}, run by Node's test runner (\`node --test\`) against the SDK's in-memory plugin context. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createTestContext } from "@digital-commerce/plugin-sdk/testing";
import { manifest } from "./manifest.ts";
import status from "./src/api/status.ts";
import beforeProductCreate from "./src/hooks/beforeProductCreate.ts";

const product = { title: "  coffee   mug ", sku: "mug-1", price: 1250, currency: "USD", metadata: {} };

describe(${str(p.slug)}, () => {
  it("trims the title and upper-cases the SKU with the store's prefix", async () => {
    const { context } = createTestContext({ manifest, config: { sku_prefix: "demo-" } });
    assert.deepEqual(await beforeProductCreate(context, { product }), {
      ...product,
      title: "coffee mug",
      sku: "DEMO-MUG-1",
    });
  });

  it("leaves a product without a SKU without one", async () => {
    const { context } = createTestContext({ manifest });
    const { sku: _sku, ...unlabelled } = product;
    assert.deepEqual(await beforeProductCreate(context, { product: unlabelled }), {
      ...unlabelled,
      title: "coffee mug",
    });
  });

  it("reports its version and the store's settings", async () => {
    const { context } = createTestContext({ manifest, tenant: { slug: "demo" } });
    assert.deepEqual(await status(context), {
      plugin: ${str(p.slug)},
      version: "0.1.0",
      store: "demo",
      settings: { sku_prefix: "" },
    });
  });
});
`;

  return {
    files: {
      "manifest.ts": manifest,
      "src/hooks/beforeProductCreate.ts": hook,
      "src/api/status.ts": endpoint,
      "plugin.test.ts": test,
    },
    readme: {
      summary: `A utility plugin: no category methods, just a hook and an endpoint. Other plugins may depend on it (\`.dependency("${p.slug}", "^0.1.0")\`).`,
      hooks: [
        "`before_product_create` (`src/hooks/beforeProductCreate.ts`): trims the title, upper-cases the SKU and adds `sku_prefix`.",
      ],
      endpoints: [
        `\`GET /api/plugins/${p.slug}/status\` (\`src/api/status.ts\`): the plugin's version and the store's settings of it.`,
      ],
      settings: ["`sku_prefix` (string, default empty)"],
      next: "Add lifecycle callbacks (`onInstall`, `onActivate`, ...) in a `lifecycle.ts`, and declare the capabilities your code uses with `.permission({ capabilities: [...] })`: the context has only those.",
    },
  };
}
