/**
 * Products of a store's catalogue. Create and update run the before hook (which may change the
 * product or veto), then write the product with its after hook and analytics event in one batch.
 */

import type { Product } from "@digital-commerce/plugin-sdk";
import { z } from "zod";
import { fieldIssues, RequestError } from "../errors/index.ts";
import { analyticsEvent, type HookRun, notification, runBeforeHooks, subscribersOf } from "../hooks/index.ts";
import type { TenantDb } from "../ledger/tenant-db.ts";
import { CommerceError } from "./errors.ts";
import type { ProductView } from "./schemas.ts";
import { commit, defined, guard, isUniqueViolation, jsonRecord, newId, now } from "./store.ts";

const productRow = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    sku: z.string().nullable(),
    price: z.number().int(),
    currency: z.string(),
    inventory: z.number().nullable(),
    metadata: jsonRecord,
    created_at: z.string(),
    updated_at: z.string(),
  })
  .transform(
    (r): ProductView =>
      defined({
        ...r,
        description: r.description ?? undefined,
        sku: r.sku ?? undefined,
        inventory: r.inventory ?? undefined,
      }),
  );

/** The product as hooks see it: the catalogue fields, without the row's timestamps. */
function productOf(view: ProductView): Product {
  const { created_at: _created, updated_at: _updated, ...product } = view;
  return product;
}

export async function findProduct(db: TenantDb, tenantId: string, id: string): Promise<ProductView | null> {
  const row = await db.prepare("SELECT * FROM products WHERE tenant_id = ? AND id = ?").bind(tenantId, id).first();
  return row === null ? null : productRow.parse(row);
}

export async function getProduct(db: TenantDb, tenantId: string, id: string): Promise<ProductView> {
  const product = await findProduct(db, tenantId, id);
  if (!product) throw new CommerceError("PRODUCT_NOT_FOUND", `This store has no product ${id}.`, { id });
  return product;
}

/** Products of `ids` that exist, by id: one query for an order's lines. */
export async function productsById(db: TenantDb, tenantId: string, ids: string[]): Promise<Map<string, ProductView>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const { results } = await db
    .prepare(`SELECT * FROM products WHERE tenant_id = ? AND id IN (${unique.map(() => "?").join(", ")})`)
    .bind(tenantId, ...unique)
    .all();
  return new Map(results.map((row) => productRow.parse(row)).map((p) => [p.id, p]));
}

async function refuseTakenSku(db: TenantDb, tenantId: string, sku: string | undefined, except?: string) {
  if (sku === undefined) return;
  const row = await db
    .prepare("SELECT id FROM products WHERE tenant_id = ? AND sku = ? AND id != ?")
    .bind(tenantId, sku, except ?? "")
    .first<{ id: string }>();
  if (row) throw skuTaken(sku, row.id);
}

const skuTaken = (sku: string, other?: string) =>
  new CommerceError(
    "SKU_TAKEN",
    `SKU ${sku} already names ${other ? `product ${other}` : "another product"} of this store; SKUs are unique per store.`,
    { field: "sku", sku, product_id: other },
  );

/** A write that may clash on the SKU index (a product created meanwhile), as SKU_TAKEN. */
async function skuChecked<T>(run: HookRun, sku: string | undefined, write: Promise<T>, except?: string): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isUniqueViolation(error) && sku !== undefined) {
      // the refusal names the product that has it, as the check before the hooks does
      await refuseTakenSku(run.db, run.tenantId, sku, except);
      throw skuTaken(sku);
    }
    throw error;
  }
}

/** The columns a product's row stores, in the order INSERT and UPDATE below bind them. */
const columns = (p: Product) => [
  p.title,
  p.description ?? null,
  p.sku ?? null,
  p.price,
  p.currency,
  p.inventory ?? null,
  JSON.stringify(p.metadata),
];

export async function createProduct(run: HookRun, input: Omit<Product, "id">): Promise<ProductView> {
  const db = run.db;
  // a taken SKU is refused before any plugin runs on the product; with no plugin to run, the commit's
  // unique index refuses it, and a creation costs the ledger one call
  if ((await subscribersOf(run.deps.env, run.tenantId, "before_product_create")).length > 0) {
    await refuseTakenSku(db, run.tenantId, input.sku);
  }
  const id = newId("prod");
  const hooked = await runBeforeHooks(run, "before_product_create", { product: { ...input, id } });
  // the id is the platform's: a hook may change the product, not which product it is
  const product: Product = { ...hooked.product, id };
  const at = now();
  const insert = db
    .prepare(
      `INSERT INTO products (id, tenant_id, title, description, sku, price, currency, inventory, metadata, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(id, run.tenantId, ...columns(product), at, at);
  const events = [
    notification(run, "after_product_create", { product: { ...product, updated_at: at } }),
    analyticsEvent(run, {
      event: "product_created",
      properties: { product_id: id, title: product.title, price: product.price, currency: product.currency },
    }),
  ];
  await skuChecked(run, product.sku, commit(run, [insert], events));
  return { ...product, id, created_at: at, updated_at: at };
}

export type ProductPatch = Partial<Omit<Product, "id">>;

export async function updateProduct(run: HookRun, id: string, patch: ProductPatch): Promise<ProductView> {
  const db = run.db;
  const stored = await getProduct(db, run.tenantId, id);
  await refuseTakenSku(db, run.tenantId, patch.sku, id);
  const previous = productOf(stored);
  const merged: Product = { ...previous, ...defined(patch), id };
  const hooked = await runBeforeHooks(run, "before_product_update", { product: merged, previous });
  const product: Product = { ...hooked.product, id };
  const at = now();
  const update = db
    .prepare(
      `UPDATE products SET title = ?, description = ?, sku = ?, price = ?, currency = ?, inventory = ?, metadata = ?, updated_at = ?
        WHERE tenant_id = ? AND id = ?`,
    )
    .bind(...columns(product), at, run.tenantId, id);
  const events = [
    notification(run, "after_product_update", {
      product: { ...product, updated_at: at },
      previous: { ...previous, updated_at: stored.updated_at },
    }),
    analyticsEvent(run, {
      event: "product_updated",
      properties: { product_id: id, changed: Object.keys(defined(patch)).sort() },
    }),
  ];
  // `previous` in the hooks must be what this update replaces, not an older read
  const unchanged = guard(
    db,
    "EXISTS (SELECT 1 FROM products WHERE tenant_id = ? AND id = ? AND updated_at = ?)",
    run.tenantId,
    id,
    stored.updated_at,
  );
  await skuChecked(run, product.sku, commit(run, [update], events, [unchanged]), id);
  return { ...product, id, created_at: stored.created_at, updated_at: at };
}

// --- the list, a page at a time ---------------------------------------------------------------

const cursorSchema = z.tuple([z.string(), z.string()]);

/** The position after `product` in (created_at, id) order, opaque to clients. */
const cursorAfter = (product: ProductView) =>
  btoa(JSON.stringify([product.created_at, product.id]))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

function readCursor(cursor: string): [string, string] {
  try {
    return cursorSchema.parse(JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/"))));
  } catch (error) {
    const issues =
      error instanceof z.ZodError
        ? fieldIssues(error, "query.cursor")
        : [{ field: "query.cursor", message: "is not a cursor this API gave out" }];
    throw new RequestError(
      "VALIDATION_FAILED",
      "Invalid request: query.cursor: pass the next_cursor of the previous page.",
      {
        issues,
      },
    );
  }
}

export async function listProducts(
  db: TenantDb,
  tenantId: string,
  page: { limit: number; cursor?: string },
): Promise<{ products: ProductView[]; next_cursor: string | null }> {
  const after = page.cursor === undefined ? null : readCursor(page.cursor);
  // one row more than the page tells whether there is a next page
  const statement = after
    ? db
        .prepare(
          `SELECT * FROM products WHERE tenant_id = ? AND (created_at > ? OR (created_at = ? AND id > ?))
            ORDER BY created_at, id LIMIT ?`,
        )
        .bind(tenantId, after[0], after[0], after[1], page.limit + 1)
    : db
        .prepare("SELECT * FROM products WHERE tenant_id = ? ORDER BY created_at, id LIMIT ?")
        .bind(tenantId, page.limit + 1);
  const { results } = await statement.all();
  const rows = results.map((row) => productRow.parse(row));
  const products = rows.slice(0, page.limit);
  const last = products.at(-1);
  return { products, next_cursor: rows.length > page.limit && last ? cursorAfter(last) : null };
}
