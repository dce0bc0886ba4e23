/**
 * cms-integration: the store's products in a headless CMS (Strapi v5 first, behind a small provider
 * interface), their pages' editorial content served back to the storefront from the CMS through the
 * platform's cache, and the CMS's own webhook dropping a page from the cache when an editor changes it.
 */
import { createCmsPlugin } from "@digital-commerce/plugin-sdk";
import { PROVIDERS } from "./src/provider.ts";
import { MAX_CACHE_TTL, MIN_CACHE_TTL, WEBHOOK_SECRET_HEADER } from "./src/settings.ts";

export const manifest = createCmsPlugin("CMS Integration", "cms-integration")
  .version("1.0.0")
  .description(
    "Pushes the store's products to a headless CMS (Strapi v5), upserted by SKU, and serves each product page's published content from the CMS, cached with a TTL that the CMS's webhooks cut short.",
  )
  .author("Digital Commerce")
  .homepage("https://docs.strapi.io/cms/api/rest")
  .hook("after_product_create", "src/hooks/productCreate.ts")
  .hook("after_product_update", "src/hooks/productUpdate.ts")
  // the storefront's read, public like Shopify's Storefront API and Medusa's store routes: published content only
  .apiEndpoint("GET", "/products/:sku/page", "src/api/productPage.ts", { auth_required: false })
  .webhook("/strapi", {
    verify: "src/webhooks/verify.ts",
    max_attempts: 5,
    description: `Strapi's webhook: register https://<platform>/webhooks/<store>/cms-integration/strapi in Strapi (Settings → Webhooks) with the header ${WEBHOOK_SECRET_HEADER}: <webhook_secret>`,
  })
  .setting("provider", {
    type: "string",
    label: "CMS",
    description: "Which headless CMS the address is: each is one adapter behind the same interface.",
    enum: [...PROVIDERS],
    default: "strapi",
  })
  .setting("cms_url", {
    type: "url",
    label: "CMS address",
    description: "Where the CMS serves its REST API, without /api (https://cms.example.com).",
    required: true,
    egress: true,
  })
  .setting("api_token", {
    type: "string",
    label: "API token",
    description:
      "A Strapi API token (Settings → API Tokens) that may find, create and update entries of the content type.",
    required: true,
    sensitive: true,
    max: 1_000,
    pattern: "^[\\x21-\\x7e]+$",
  })
  .setting("webhook_secret", {
    type: "string",
    label: "Webhook secret",
    description: `The value Strapi's webhook sends in its ${WEBHOOK_SECRET_HEADER} header (Strapi signs nothing): 16 to 256 printable characters, no spaces.`,
    required: true,
    sensitive: true,
    pattern: "^[\\x21-\\x7e]{16,256}$",
  })
  .setting("content_type", {
    type: "string",
    label: "Product content type",
    description: "The plural API ID of the CMS collection that holds product pages (Strapi: /api/<this>).",
    default: "products",
    max: 100,
    pattern: "^[a-z][a-z0-9-]*$",
  })
  .setting("cache_ttl", {
    type: "integer",
    label: "Cache TTL (seconds)",
    description: `How long a product page is served from the cache before the CMS is asked again; a webhook from the CMS drops it sooner. ${MIN_CACHE_TTL} to ${MAX_CACHE_TTL}.`,
    default: 300,
    min: MIN_CACHE_TTL,
    max: MAX_CACHE_TTL,
  })
  // db: the per-SKU push claims (src/claims.ts) and the version each SKU was last pushed at, nothing else
  .permission({ capabilities: ["http", "cache", "logger", "db"] })
  .migration(
    "0001_push_claims",
    `CREATE TABLE push_claims (
       sku TEXT PRIMARY KEY,
       holder TEXT NOT NULL,
       until INTEGER NOT NULL
     )`,
  )
  .migration(
    "0002_pushed_versions",
    `CREATE TABLE pushed_versions (
       sku TEXT PRIMARY KEY,
       updated_at TEXT NOT NULL
     )`,
  )
  .build();
