/**
 * A product pushed to the CMS from the product hooks: upserted by SKU (found, then updated or created),
 * so a delivery redelivered by the queue or replayed from the dead letters makes no second entry, and
 * one whose entry already holds these values writes nothing; pushes of one SKU run one at a time
 * (src/claims.ts), since the CMS's own uniqueness check does not hold under a race, and a push older
 * than the one the SKU last got (a create retried after a later update) writes nothing: the product's
 * `updated_at` orders them. The CMS unreachable or failing throws (the
 * delivery is retried, then dead-lettered); a failure no retry can fix (the token refused, the content
 * type missing, the entry refused) dead-letters the delivery at once, naming the setting.
 */
import { failPermanently, type PluginContext, type Product } from "@digital-commerce/plugin-sdk";
import { withClaim } from "./claims.ts";
import { CmsError, type CmsProvider, type ProductDocument } from "./provider.ts";
import { providerOf, SettingsError } from "./settings.ts";

export type PushOutcome = "created" | "updated" | "unchanged" | "skipped" | "stale";

function documentOf(product: Product & { sku: string }): ProductDocument {
  return {
    sku: product.sku,
    product_id: product.id ?? null,
    title: product.title,
    description: product.description ?? null,
    price: product.price,
    currency: product.currency,
  };
}

const same = (fields: Record<string, unknown>, document: ProductDocument) =>
  (Object.keys(document) as (keyof ProductDocument)[]).every((key) => (fields[key] ?? null) === document[key]);

async function upsert(
  cms: CmsProvider,
  document: ProductDocument,
  previousSku: string | undefined,
): Promise<PushOutcome> {
  // a SKU changed on the product moves its entry, rather than leaving the old one behind
  const existing =
    (await cms.findProduct(document.sku)) ??
    (previousSku && previousSku !== document.sku ? await cms.findProduct(previousSku) : null);
  if (existing) {
    if (same(existing.fields, document)) return "unchanged";
    await cms.updateProduct(existing.id, document);
    return "updated";
  }
  try {
    await cms.createProduct(document);
    return "created";
  } catch (error) {
    // another delivery created it between our search and our create: update that one instead
    if (!(error instanceof CmsError && error.code === "CMS_CONFLICT")) throw error;
    const winner = await cms.findProduct(document.sku);
    if (!winner) throw error;
    if (same(winner.fields, document)) return "unchanged";
    await cms.updateProduct(winner.id, document);
    return "updated";
  }
}

/** Whether the SKU was already pushed from a newer version of the product than `updatedAt`. */
async function olderThanPushed(context: PluginContext, sku: string, updatedAt: string | undefined): Promise<boolean> {
  if (!updatedAt) return false;
  const row = (await context.db.one("SELECT updated_at FROM pushed_versions WHERE sku = ?", [sku])) as {
    updated_at: string;
  } | null;
  return row !== null && Date.parse(row.updated_at) > Date.parse(updatedAt);
}

async function recordPushed(context: PluginContext, sku: string, updatedAt: string): Promise<void> {
  await context.db.query(
    `INSERT INTO pushed_versions (sku, updated_at) VALUES (?, ?)
       ON CONFLICT (sku) DO UPDATE SET updated_at = excluded.updated_at WHERE excluded.updated_at > pushed_versions.updated_at`,
    [sku, updatedAt],
  );
}

/**
 * Pushes the product of a product hook. Products without a SKU are skipped (logged): the SKU is what
 * joins a product to its page in the CMS and to the storefront's page URL, and without one a redelivery
 * could not find the entry it made.
 */
export async function pushProduct(context: PluginContext, product: Product, previous?: Product): Promise<PushOutcome> {
  const sku = product.sku?.trim();
  if (!sku) {
    context.logger.info("product has no SKU; not pushed to the CMS", { product: product.id ?? null });
    return "skipped";
  }
  try {
    const cms = providerOf(context);
    const previousSku = previous?.sku?.trim() || undefined;
    const outcome = await withClaim(context, sku, async () => {
      if (await olderThanPushed(context, sku, product.updated_at)) return "stale" as const;
      const done = await upsert(cms, documentOf({ ...product, sku }), previousSku);
      if (product.updated_at) await recordPushed(context, sku, product.updated_at);
      return done;
    });
    context.logger.info(
      outcome === "stale"
        ? "a newer version of the product was pushed already; this older one is not"
        : `product ${outcome} in the CMS`,
      { sku, cms: cms.label, updated_at: product.updated_at ?? null },
    );
    return outcome;
  } catch (error) {
    if (error instanceof SettingsError) failPermanently("CMS_MISCONFIGURED", error.message);
    if (error instanceof CmsError && !error.retryable) failPermanently(error.code, error.detail);
    throw error;
  }
}
