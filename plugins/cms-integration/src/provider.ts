/**
 * What the plugin needs of a headless CMS: the provider interface. Another CMS is one adapter in
 * src/providers/ that implements it; the hooks, the product page, the cache and the webhook handling
 * never speak a CMS's own API.
 */
import type { CmsContent, CmsContentList, CmsContentOptions, CmsContentQuery } from "@digital-commerce/plugin-sdk";

/** The CMSes an adapter exists for: the `provider` setting's values. */
export const PROVIDERS = ["strapi"] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/**
 * The commerce fields the plugin owns in the CMS; editorial fields (a headline, a body) are the
 * editors' and never written by the plugin.
 */
export interface ProductDocument {
  sku: string;
  product_id: string | null;
  title: string;
  description: string | null;
  /** In the currency's minor units, as the platform keeps it. */
  price: number;
  currency: string;
}

/** A CMS entry as the plugin reads it: its id in the CMS, and its fields. */
export type CmsEntry = CmsContent;

/** What a CMS webhook was about, for the cache: the product page it changed, if it names one. */
export interface CmsChange {
  event: string;
  sku: string | null;
}

/**
 * Why a CMS call failed. `retryable` failures (the CMS unreachable or failing, another push of the
 * same SKU under way) are worth a retry; the
 * others (credentials refused, a content type that does not exist, an entry the CMS refuses) fail
 * the same way every time until the store's settings or the data change.
 */
export type CmsErrorCode =
  | "CMS_UNREACHABLE"
  | "CMS_UNAVAILABLE"
  | "CMS_UNAUTHORIZED"
  | "CMS_EGRESS_DENIED"
  | "CMS_CONTENT_TYPE_MISSING"
  | "CMS_CONFLICT"
  | "CMS_REFUSED"
  | "CMS_BAD_ANSWER"
  | "CMS_BUSY";

const RETRYABLE: ReadonlySet<CmsErrorCode> = new Set([
  "CMS_UNREACHABLE",
  "CMS_UNAVAILABLE",
  "CMS_BAD_ANSWER",
  "CMS_BUSY",
]);

export class CmsError extends Error {
  override readonly name = "CmsError";
  readonly code: CmsErrorCode;
  /** The message without its code, for answers that carry the code beside it. */
  readonly detail: string;
  constructor(code: CmsErrorCode, detail: string) {
    // the code in the message too: it is what a dead letter's last_error shows
    super(`${code}: ${detail}`);
    this.code = code;
    this.detail = detail;
  }
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

/** One CMS's REST API, as the plugin uses it. Every method throws `CmsError` for what the CMS refused. */
export interface CmsProvider {
  /** The CMS's name in messages ("Strapi at https://cms.example.com"). */
  readonly label: string;
  /** The product entry with this SKU (its draft, which is what the plugin writes), or `null`. */
  findProduct(sku: string): Promise<CmsEntry | null>;
  /** Creates the entry; `CMS_CONFLICT` when the CMS already has one with the SKU (a race with another push). */
  createProduct(document: ProductDocument): Promise<CmsEntry>;
  updateProduct(id: string, document: ProductDocument): Promise<CmsEntry>;
  /** The published product page of a SKU (drafts never reach the storefront), or `null`. */
  publishedPage(sku: string): Promise<CmsEntry | null>;
  getEntry(id: string, options: CmsContentOptions): Promise<CmsEntry | null>;
  listEntries(query: CmsContentQuery): Promise<CmsContentList>;
  /**
   * The webhook's event, read from the CMS's own body: a stable `id` (the same delivery sent again has
   * the same one), its type, and what changed. `null` for a body that is not this CMS's webhook.
   */
  webhookEvent(body: unknown): { id: string; type: string; change: CmsChange } | null;
}
