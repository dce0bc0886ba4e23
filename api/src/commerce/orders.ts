/**
 * Orders: placed at the catalogue's current prices (the total is computed here, never taken from
 * the client), then completed. Each step runs its before hook and commits its after hook and
 * analytics event with the change.
 */

import type { Order } from "@digital-commerce/plugin-sdk";
import { z } from "zod";
import { describeIssues } from "../errors/index.ts";
import { analyticsEvent, type HookRun, notification, runBeforeHooks } from "../hooks/index.ts";
import type { TenantDb } from "../ledger/tenant-db.ts";
import { CommerceError } from "./errors.ts";
import { productsById } from "./products.ts";
import type { OrderView } from "./schemas.ts";
import { commit, defined, guard, jsonRecord, newId, now } from "./store.ts";

const orderRow = z.object({
  id: z.string(),
  customer_id: z.string().nullable(),
  total: z.number().int(),
  currency: z.string(),
  status: z.enum(["pending", "paid", "completed", "cancelled"]),
  metadata: jsonRecord,
  created_at: z.string(),
  updated_at: z.string(),
  completed_at: z.string().nullable(),
});

const itemRow = z.object({
  product_id: z.string(),
  title: z.string().nullable(),
  sku: z.string().nullable(),
  quantity: z.number().int(),
  unit_price: z.number().int(),
});

/** The order as hooks see it: without the row's timestamps. */
function orderOf(view: OrderView): Order {
  const { created_at: _c, updated_at: _u, completed_at: _d, ...order } = view;
  return order;
}

export async function findOrder(db: TenantDb, tenantId: string, id: string): Promise<OrderView | null> {
  const [orders, items] = await db.batch([
    db.prepare("SELECT * FROM orders WHERE tenant_id = ? AND id = ?").bind(tenantId, id),
    db
      .prepare(
        `SELECT i.product_id, i.title, i.sku, i.quantity, i.unit_price FROM order_items i JOIN orders o ON o.id = i.order_id
          WHERE o.tenant_id = ? AND i.order_id = ? ORDER BY i.position`,
      )
      .bind(tenantId, id),
  ]);
  const row = orders?.results[0];
  if (row === undefined) return null;
  const order = orderRow.parse(row);
  return defined({
    ...order,
    customer_id: order.customer_id ?? undefined,
    items: (items?.results ?? []).map((r) => {
      const item = itemRow.parse(r);
      return defined({ ...item, title: item.title ?? undefined, sku: item.sku ?? undefined });
    }),
  });
}

export async function getOrder(db: TenantDb, tenantId: string, id: string): Promise<OrderView> {
  const order = await findOrder(db, tenantId, id);
  if (!order) throw new CommerceError("ORDER_NOT_FOUND", `This store has no order ${id}.`, { id });
  return order;
}

const invalidOrder = (issues: { field: string; message: string }[]) =>
  new CommerceError("INVALID_ORDER", `The order cannot be placed: ${describeIssues(issues)}`, { issues });

export interface OrderInput {
  customer_id?: string;
  items: { product_id: string; quantity: number }[];
  metadata: Record<string, unknown>;
}

export async function createOrder(run: HookRun, input: OrderInput): Promise<OrderView> {
  const db = run.db;
  const products = await productsById(
    db,
    run.tenantId,
    input.items.map((i) => i.product_id),
  );
  const missing = input.items.flatMap((item, i) =>
    products.has(item.product_id)
      ? []
      : [{ field: `items.${i}.product_id`, message: `this store has no product ${item.product_id}` }],
  );
  if (missing.length > 0) throw invalidOrder(missing);
  const currencies = [...new Set([...products.values()].map((p) => p.currency))].sort();
  const [currency] = currencies;
  if (currency === undefined || currencies.length > 1) {
    throw invalidOrder([
      { field: "items", message: `the products are priced in ${currencies.join(" and ")}; an order has one currency` },
    ]);
  }
  const items = input.items.map((item) => {
    const product = products.get(item.product_id);
    return defined({
      product_id: item.product_id,
      title: product?.title,
      sku: product?.sku ?? undefined,
      quantity: item.quantity,
      unit_price: product?.price ?? 0,
    });
  });
  const id = newId("ord");
  const placed: Order = defined({
    id,
    customer_id: input.customer_id,
    items,
    // integers in minor units: the sum of many lines is exact
    total: items.reduce((sum, i) => sum + i.unit_price * i.quantity, 0),
    currency,
    status: "pending" as const,
    metadata: input.metadata,
  });
  const hooked = await runBeforeHooks(run, "before_order_create", { order: placed });
  // a hook may reprice or annotate the order (a discount), not make it another order or skip a state
  const order: Order = { ...hooked.order, id, status: "pending" };
  await refuseUnknownProducts(db, run.tenantId, order, products);

  const at = now();
  const writes = [
    db
      .prepare(
        `INSERT INTO orders (id, tenant_id, customer_id, total, currency, status, metadata, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
      )
      .bind(
        id,
        run.tenantId,
        order.customer_id ?? null,
        order.total,
        order.currency,
        JSON.stringify(order.metadata),
        at,
        at,
      ),
    ...order.items.map((item, position) =>
      db
        .prepare(
          "INSERT INTO order_items (order_id, position, product_id, title, sku, quantity, unit_price) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id, position, item.product_id, item.title ?? null, item.sku ?? null, item.quantity, item.unit_price),
    ),
  ];
  await commit(run, writes, [
    notification(run, "after_order_create", { order }),
    analyticsEvent(run, {
      event: "order_created",
      properties: {
        order_id: id,
        total: order.total,
        currency: order.currency,
        items: order.items.length,
        // the lines, for analytics by product (top products by units and revenue)
        lines: order.items.map((i) =>
          defined({ product_id: i.product_id, title: i.title, quantity: i.quantity, unit_price: i.unit_price }),
        ),
      },
      ...(order.customer_id ? { user_id: order.customer_id } : {}),
    }),
  ]);
  return { ...order, id, status: "pending", created_at: at, updated_at: at, completed_at: null };
}

/** Lines a before hook added or changed must still name products of this store. */
async function refuseUnknownProducts(
  db: TenantDb,
  tenantId: string,
  order: Order,
  known: Map<string, unknown>,
): Promise<void> {
  const added = order.items.map((i) => i.product_id).filter((id) => !known.has(id));
  if (added.length === 0) return;
  const found = await productsById(db, tenantId, added);
  const missing = order.items.flatMap((item, i) =>
    known.has(item.product_id) || found.has(item.product_id)
      ? []
      : [
          {
            field: `items.${i}.product_id`,
            message: `before_order_create set a product this store does not have: ${item.product_id}`,
          },
        ],
  );
  if (missing.length > 0) throw invalidOrder(missing);
}

/** Orders complete from pending (paid offline, or free) or paid; never twice. */
const completable = ["pending", "paid"] as const;

export async function completeOrder(run: HookRun, id: string): Promise<OrderView> {
  const db = run.db;
  const stored = await getOrder(db, run.tenantId, id);
  if (!(completable as readonly string[]).includes(stored.status)) {
    throw new CommerceError(
      "ORDER_STATE_CONFLICT",
      `Order ${id} is ${stored.status}; only a pending or paid order can be completed.`,
      { id, status: stored.status },
    );
  }
  const hooked = await runBeforeHooks(run, "before_order_complete", { order: orderOf(stored) });
  // completing changes the status; a hook may annotate the order (a fulfilment reference), nothing else
  const at = now();
  const order: Order = { ...orderOf(stored), metadata: hooked.order.metadata, status: "completed" };
  await commit(
    run,
    [
      db
        .prepare(
          "UPDATE orders SET status = 'completed', metadata = ?, updated_at = ?, completed_at = ? WHERE tenant_id = ? AND id = ?",
        )
        .bind(JSON.stringify(order.metadata), at, at, run.tenantId, id),
    ],
    [
      notification(run, "after_order_complete", { order }),
      analyticsEvent(run, {
        event: "order_completed",
        properties: { order_id: id, total: order.total, currency: order.currency },
        ...(order.customer_id ? { user_id: order.customer_id } : {}),
      }),
    ],
    // a second completion racing this one must not fire after_order_complete twice
    [
      guard(
        db,
        "EXISTS (SELECT 1 FROM orders WHERE tenant_id = ? AND id = ? AND status = ?)",
        run.tenantId,
        id,
        stored.status,
      ),
    ],
  );
  return { ...stored, metadata: order.metadata, status: "completed", updated_at: at, completed_at: at };
}

/** The statement that marks a pending order paid, for the batch that records its payment. */
export function markOrderPaid(db: TenantDb, tenantId: string, orderId: string, at: string): D1PreparedStatement {
  return db
    .prepare("UPDATE orders SET status = 'paid', updated_at = ? WHERE tenant_id = ? AND id = ? AND status = 'pending'")
    .bind(at, tenantId, orderId);
}
