/**
 * The CMS plugin `admin-cli scaffold cms` writes: entries read from a headless CMS's HTTP API
 * and cached, publish webhooks that drop cached entries, a before hook filling in product
 * descriptions from the CMS, and a public endpoint listing entries.
 */
import { manifestHead, manifestStart, type PluginNames, str } from "./names.ts";
import type { CategoryTemplate } from "./template.ts";

export function cmsTemplate(p: PluginNames): CategoryTemplate {
  const manifest = `/** ${p.name}: a headless CMS integration. Entries come from the CMS's HTTP API and are cached. */
import { createCmsPlugin } from "@digital-commerce/plugin-sdk";

${manifestStart("createCmsPlugin", p)}
${manifestHead(p, `${p.name} content`)}
  .hook("before_product_create", "src/hooks/beforeProductCreate.ts")
  .apiEndpoint("GET", "/entries", "src/api/entries.ts", { auth_required: false })
  .setting("cache_seconds", {
    type: "integer",
    label: "Cache entries for (seconds)",
    description: "How long an entry read from the CMS is served from the cache; publishing drops it sooner.",
    default: 300,
    min: 60,
    max: 86400,
  })
  .permission({ network: ["cms.example.com"], capabilities: ["http", "cache", "logger"] })
  .build();
`;

  const client = `/**
 * The CMS's HTTP API. Its host must stay in the manifest's permissions.network: the platform
 * refuses every other host (403 EGRESS_DENIED). What the CMS answers is parsed with the SDK's
 * schemas before it is used or cached.
 */
import {
  type CmsContent,
  type CmsContentList,
  type CmsContentQuery,
  cmsContentListSchema,
  cmsContentSchema,
  type PluginContext,
} from "@digital-commerce/plugin-sdk";

export const API_URL = "https://cms.example.com/api";

/** Published entries are cached per id; drafts (preview) always come from the CMS. */
export const cacheKey = (id: string) => \`entry/\${encodeURIComponent(id)}\`;

export async function fetchEntry(context: PluginContext, id: string, preview = false): Promise<CmsContent | null> {
  if (!preview) {
    const cached = cmsContentSchema.safeParse(await context.cache.get(cacheKey(id)));
    if (cached.success) return cached.data;
  }
  const res = await context.http.get(\`\${API_URL}/entries/\${encodeURIComponent(id)}\${preview ? "?preview=true" : ""}\`);
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(\`CMS_UNAVAILABLE: the CMS answered \${res.status} for entry \${id}\`);
  const entry = cmsContentSchema.parse(await res.json());
  if (!preview) await context.cache.set(cacheKey(id), entry, Number(context.plugin.config.cache_seconds ?? 300));
  return entry;
}

export async function fetchEntries(context: PluginContext, query: CmsContentQuery): Promise<CmsContentList> {
  const params = new URLSearchParams({ limit: String(query.limit), preview: String(query.preview) });
  for (const name of ["type", "slug", "locale", "cursor"] as const) {
    const value = query[name];
    if (value !== undefined) params.set(name, value);
  }
  const res = await context.http.get(\`\${API_URL}/entries?\${params}\`);
  if (!res.ok) throw new Error(\`CMS_UNAVAILABLE: the CMS answered \${res.status}\`);
  return cmsContentListSchema.parse(await res.json());
}
`;

  const hook = `/** before_product_create: a product created without a description gets the one its CMS entry (slug = SKU) has. */
import type { HookHandler, ProductHookData } from "@digital-commerce/plugin-sdk";
import { fetchEntries } from "../cms.ts";

// a before hook runs while the request waits: what it returns is the product that gets created
const beforeProductCreate: HookHandler<ProductHookData> = async (context, data) => {
  const { product } = data;
  if (product.description || !product.sku) return product;
  const { items } = await fetchEntries(context, {
    type: "product",
    slug: product.sku,
    filters: {},
    limit: 1,
    preview: false,
  });
  const description = items[0]?.fields.description;
  return typeof description === "string" ? { ...product, description } : product;
};

export default beforeProductCreate;
`;

  const endpoint = `/** GET /api/plugins/${p.slug}/entries?type=page&limit=20: a page of entries; public, for storefronts. */
import { cmsContentQuerySchema, type PluginContext } from "@digital-commerce/plugin-sdk";
import { fetchEntries } from "../cms.ts";

export default async function entries(context: PluginContext, request: Request) {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const query = cmsContentQuerySchema.safeParse({
    ...params,
    ...(params.limit ? { limit: Number(params.limit) } : {}),
  });
  if (!query.success) {
    return Response.json(
      { error: { code: "INVALID_QUERY", message: query.error.issues[0]?.message } },
      { status: 400 },
    );
  }
  return await fetchEntries(context, query.data);
}
`;

  const plugin = `/** ${p.name}'s content methods: entries from the CMS, cached until it says they changed. */
import type { PluginImplementation } from "@digital-commerce/plugin-sdk";
import { cacheKey, fetchEntries, fetchEntry } from "./src/cms.ts";

const plugin: PluginImplementation<"cms"> = {
  getContent: (context, id, options) => fetchEntry(context, id, options?.preview ?? false),

  listContent: (context, query) => fetchEntries(context, query),

  // the CMS calls this when an entry is published, changed or deleted: the cached copy goes
  async handleWebhook(context, event, data) {
    const id = (data as { id?: unknown } | null)?.id;
    if (typeof id === "string") await context.cache.delete(cacheKey(id));
    context.logger.info("cms webhook", { event, id });
  },
};

export default plugin;
`;

  const test = `/**
 * ${p.name}, run by Node's test runner (\`node --test\`) against the SDK's in-memory plugin
 * context. The CMS is played by a function given as the context's fetch: requests reach it only
 * for hosts the manifest declares, as on the platform.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createTestContext } from "@digital-commerce/plugin-sdk/testing";
import { manifest } from "./manifest.ts";
import plugin from "./plugin.ts";
import entries from "./src/api/entries.ts";
import beforeProductCreate from "./src/hooks/beforeProductCreate.ts";

const mug = {
  id: "e-1",
  type: "product",
  slug: "MUG-1",
  fields: { description: "A mug for coffee." },
  updated_at: "2026-03-01T00:00:00Z",
};

/** A CMS holding \`mug\`, counting the requests it gets. */
function cms() {
  const seen: string[] = [];
  const fetch = async (request: Request) => {
    const url = new URL(request.url);
    seen.push(url.pathname + url.search);
    if (url.pathname === "/api/entries/e-1") return Response.json(mug);
    if (url.pathname === "/api/entries") {
      return Response.json({ items: url.searchParams.get("slug") === "MUG-1" ? [mug] : [] });
    }
    return new Response("not found", { status: 404 });
  };
  return { seen, fetch };
}

describe(${str(p.slug)}, () => {
  it("reads an entry from the CMS once, then from the cache until a webhook says it changed", async () => {
    const api = cms();
    const { context } = createTestContext({ manifest, fetch: api.fetch });
    assert.deepEqual(await plugin.getContent(context, "e-1"), mug);
    assert.deepEqual(await plugin.getContent(context, "e-1"), mug);
    assert.equal(api.seen.length, 1);
    await plugin.handleWebhook(context, "entry.published", { id: "e-1" });
    await plugin.getContent(context, "e-1");
    assert.equal(api.seen.length, 2);
  });

  it("answers null for an entry the CMS does not have", async () => {
    const { context } = createTestContext({ manifest, fetch: cms().fetch });
    assert.equal(await plugin.getContent(context, "e-404"), null);
  });

  it("fills in a new product's description from its CMS entry", async () => {
    const { context } = createTestContext({ manifest, fetch: cms().fetch });
    const product = { title: "Mug", sku: "MUG-1", price: 12, currency: "USD", metadata: {} };
    assert.deepEqual(await beforeProductCreate(context, { product }), { ...product, description: "A mug for coffee." });
    const described = { ...product, description: "Ours." };
    assert.deepEqual(await beforeProductCreate(context, { product: described }), described);
  });

  it("lists entries for storefronts, and refuses a bad query", async () => {
    const { context } = createTestContext({ manifest, fetch: cms().fetch });
    assert.deepEqual(await entries(context, new Request("https://store.example/entries?slug=MUG-1")), { items: [mug] });
    const refused = await entries(context, new Request("https://store.example/entries?limit=1000"));
    assert.equal(refused instanceof Response && refused.status, 400);
  });
});
`;

  return {
    files: {
      "manifest.ts": manifest,
      "plugin.ts": plugin,
      "src/cms.ts": client,
      "src/hooks/beforeProductCreate.ts": hook,
      "src/api/entries.ts": endpoint,
      "plugin.test.ts": test,
    },
    readme: {
      summary:
        "A headless CMS integration: `getContent` and `listContent` read entries from the CMS's HTTP API (published entries cached for `cache_seconds`), `handleWebhook` drops a cached entry when the CMS reports a change (`plugin.ts`).",
      hooks: [
        "`before_product_create` (`src/hooks/beforeProductCreate.ts`): a product created without a description gets the one from its CMS entry (slug = the product's SKU).",
      ],
      endpoints: [
        `\`GET /api/plugins/${p.slug}/entries?type=page&limit=20\` (\`src/api/entries.ts\`): a page of entries; public (\`auth_required: false\`), for storefronts.`,
      ],
      settings: ["`cache_seconds` (integer, default 300; the cache keeps an entry for at least 60)"],
      next: 'Point `API_URL` in `src/cms.ts` at your CMS, map its answers onto the SDK\'s `CmsContent` shape, put its host in the manifest\'s `permissions.network` in place of `cms.example.com`, and register this plugin\'s webhook URL with the CMS (add `.webhook("/cms", "src/api/webhook.ts")` to receive it directly).',
    },
  };
}
