/**
 * The Strapi v5 adapter, on Strapi's own REST API (https://docs.strapi.io/cms/api/rest): entries are
 * addressed by `documentId`, found with `filters[sku][$eq]`, and read as `status=published` (the
 * storefront) or `status=draft` (what the plugin writes). Draft & Publish decides what the storefront
 * sees: the plugin writes the draft, and editors publish it with their headline and body.
 */
import type { CmsContentList, CmsContentOptions, CmsContentQuery } from "@digital-commerce/plugin-sdk";
import { z } from "zod";
import { type CmsChange, type CmsEntry, CmsError, type CmsProvider, type ProductDocument } from "../provider.ts";

export interface StrapiOptions {
  /** Where Strapi serves, without /api. */
  baseUrl: string;
  token: string;
  /** The collection's plural API id: /api/<contentType>. */
  contentType: string;
  send: (url: string, init: RequestInit) => Promise<Response>;
}

/** Strapi v5's flat entry: its own fields beside documentId and the timestamps. */
const entrySchema = z.looseObject({
  documentId: z.string().min(1),
  locale: z.string().nullish(),
  createdAt: z.string(),
  updatedAt: z.string(),
  publishedAt: z.string().nullish(),
});
const listSchema = z.object({
  data: z.array(entrySchema),
  meta: z.object({ pagination: z.object({ page: z.number(), pageCount: z.number() }).optional() }).optional(),
});
const oneSchema = z.object({ data: entrySchema });
const errorSchema = z.object({
  error: z.object({
    name: z.string().optional(),
    message: z.string().optional(),
    details: z.looseObject({ errors: z.array(z.looseObject({ path: z.array(z.unknown()) })).optional() }).optional(),
  }),
});

/** Strapi's webhook body (Settings → Webhooks): the event, when, the model and the entry as it is now. */
const webhookSchema = z.object({
  event: z.string().min(1).max(100),
  createdAt: z.string().min(1).max(64),
  model: z.string().max(200).optional(),
  uid: z.string().max(200).optional(),
  entry: z.looseObject({ documentId: z.string().max(100).optional(), sku: z.unknown().optional() }).optional(),
});

/** Fields Strapi adds to every entry, which are not the content's own. */
const SYSTEM_FIELDS = new Set(["id", "documentId", "createdAt", "updatedAt", "publishedAt", "locale"]);

function contentOf(type: string, entry: z.infer<typeof entrySchema>): CmsEntry {
  const fields = Object.fromEntries(Object.entries(entry).filter(([key]) => !SYSTEM_FIELDS.has(key)));
  return {
    id: entry.documentId,
    type,
    ...(typeof entry.sku === "string" ? { slug: entry.sku } : {}),
    ...(entry.locale ? { locale: entry.locale } : {}),
    fields,
    ...(entry.publishedAt ? { published_at: entry.publishedAt } : {}),
    updated_at: entry.updatedAt,
  };
}

export function createStrapiProvider(options: StrapiOptions): CmsProvider {
  const base = options.baseUrl.replace(/\/+$/, "");
  const label = `Strapi at ${base}`;
  const collection = `${base}/api/${options.contentType}`;

  async function call(method: string, url: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await options.send(url, {
        method,
        headers: {
          authorization: `Bearer ${options.token}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new CmsError("CMS_UNREACHABLE", `${label} could not be reached: ${(error as Error).message}`);
    }
    if (res.headers.get("x-platform-egress") === "denied") {
      throw new CmsError("CMS_EGRESS_DENIED", `the platform refused to reach ${label}: ${await res.text()} (cms_url)`);
    }
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text === "" ? null : JSON.parse(text);
    } catch {
      // a proxy's HTML error page, say: what Strapi answered is reported below by status
    }
    if (res.ok) return json;
    const error = errorSchema.safeParse(json);
    const said = error.success
      ? `${error.data.error.name ?? "Error"}: ${error.data.error.message ?? ""}`
      : text.slice(0, 200);
    const what = `${method} ${new URL(url).pathname} answered ${res.status} (${said})`;
    if (res.status === 401 || res.status === 403) {
      throw new CmsError(
        "CMS_UNAUTHORIZED",
        `${label} refused the api_token setting: ${what}. Give the plugin a token that may read and write ${options.contentType}.`,
      );
    }
    if (res.status === 404 && method === "POST") {
      throw new CmsError(
        "CMS_CONTENT_TYPE_MISSING",
        `${label} has no content type "${options.contentType}": ${what}. Check the content_type setting.`,
      );
    }
    if (res.status === 400) {
      const unique = error.success && error.data.error.details?.errors?.some((e) => e.path[0] === "sku");
      if (unique && /unique/i.test(error.data?.error.message ?? ""))
        throw new CmsError("CMS_CONFLICT", `${label}: ${what}`);
      throw new CmsError("CMS_REFUSED", `${label} refused the entry: ${what}`);
    }
    if (res.status === 404) return null;
    throw new CmsError("CMS_UNAVAILABLE", `${label} failed: ${what}`);
  }

  function parsed<S extends z.ZodType>(schema: S, json: unknown, what: string): z.infer<S> {
    const result = schema.safeParse(json);
    if (!result.success) {
      throw new CmsError(
        "CMS_BAD_ANSWER",
        `${label} answered ${what} with something that is not Strapi v5's REST shape`,
      );
    }
    return result.data;
  }

  async function firstBySku(sku: string, status: "draft" | "published"): Promise<CmsEntry | null> {
    const query = new URLSearchParams({ "filters[sku][$eq]": sku, status, "pagination[pageSize]": "1" });
    const json = await call("GET", `${collection}?${query}`);
    if (json === null) {
      throw new CmsError(
        "CMS_CONTENT_TYPE_MISSING",
        `${label} has no content type "${options.contentType}" (GET /api/${options.contentType} answered 404). Check the content_type setting.`,
      );
    }
    const entry = parsed(listSchema, json, `a search by sku`).data[0];
    return entry ? contentOf(options.contentType, entry) : null;
  }

  return {
    label,

    findProduct: (sku) => firstBySku(sku, "draft"),

    async createProduct(document: ProductDocument) {
      // status=draft: Strapi's REST API publishes what it creates unless told otherwise
      const json = await call("POST", `${collection}?status=draft`, { data: document });
      return contentOf(options.contentType, parsed(oneSchema, json, "a create").data);
    },

    async updateProduct(id: string, document: ProductDocument) {
      // the draft only: publishing is the editors' (it would publish their unfinished edits too)
      const json = await call("PUT", `${collection}/${encodeURIComponent(id)}?status=draft`, { data: document });
      // deleted between the search and the update: the retry searches again and creates it
      if (json === null) throw new CmsError("CMS_UNAVAILABLE", `${label} lost entry ${id} while it was updated`);
      return contentOf(options.contentType, parsed(oneSchema, json, "an update").data);
    },

    publishedPage: (sku) => firstBySku(sku, "published"),

    async getEntry(id: string, read: CmsContentOptions) {
      const query = new URLSearchParams({ status: read.preview ? "draft" : "published" });
      if (read.locale) query.set("locale", read.locale);
      const json = await call("GET", `${collection}/${encodeURIComponent(id)}?${query}`);
      return json === null ? null : contentOf(options.contentType, parsed(oneSchema, json, "a read").data);
    },

    async listEntries(query: CmsContentQuery): Promise<CmsContentList> {
      const type = query.type ?? options.contentType;
      const page = query.cursor ? Number(query.cursor) : 1;
      if (!Number.isInteger(page) || page < 1)
        throw new CmsError("CMS_REFUSED", `cursor ${query.cursor} is not a page of ${label}`);
      const params = new URLSearchParams({
        status: query.preview ? "draft" : "published",
        "pagination[page]": String(page),
        "pagination[pageSize]": String(query.limit),
      });
      if (query.locale) params.set("locale", query.locale);
      if (query.slug) params.set("filters[sku][$eq]", query.slug);
      for (const [field, value] of Object.entries(query.filters)) params.set(`filters[${field}][$eq]`, String(value));
      const json = await call("GET", `${base}/api/${encodeURIComponent(type)}?${params}`);
      if (json === null) return { items: [] };
      const list = parsed(listSchema, json, "a list");
      const pages = list.meta?.pagination?.pageCount ?? page;
      return {
        items: list.data.map((entry) => contentOf(type, entry)),
        ...(page < pages ? { next_cursor: String(page + 1) } : {}),
      };
    },

    webhookEvent(body: unknown) {
      const hook = webhookSchema.safeParse(body);
      if (!hook.success) return null;
      const { event, createdAt, uid, model, entry } = hook.data;
      const change: CmsChange = { event, sku: typeof entry?.sku === "string" ? entry.sku : null };
      // Strapi sends no delivery id: the event, its entry and its moment name it, the same in a copy
      const id = ["strapi", event, uid ?? model ?? "", entry?.documentId ?? "", createdAt].join(":").slice(0, 255);
      return { id, type: event, change };
    },
  };
}
