/**
 * getMetrics: every figure computed in SQL over the plugin's tables, per bucket of the store's time
 * zone and for the period just before, as long as this one. Money is grouped by currency and never
 * added across currencies. Buckets are inlined as integer literals (the db caps bound parameters),
 * so every query is a range scan of a time-led index per bucket.
 */
import type { MetricsQuery, MetricsResult, PluginContext } from "@digital-commerce/plugin-sdk";
import { type Bucket, type BucketSize, bucketsOf } from "./buckets.ts";

export const METRICS = [
  "revenue_gross",
  "revenue_net",
  "refunds",
  "refund_count",
  "orders",
  "average_order_value",
  "returning_customer_rate",
  "top_products_by_units",
  "top_products_by_revenue",
  "conversion_rate",
  "product_viewers",
  "checkout_visitors",
] as const;
export type MetricName = (typeof METRICS)[number];

/** A year of days, a month of hours: more buckets than that is not a chart anyone reads. */
export const MAX_BUCKETS = 1000;
const TOP = 10;

export class MetricsQueryError extends Error {
  readonly code = "INVALID_QUERY";
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
    this.name = "MetricsQueryError";
  }
}

type Series = MetricsResult["series"][number];
type Point = Series["points"][number];
type Row = Record<string, unknown>;
type Db = Pick<PluginContext["db"], "query">;

const n = (v: unknown) => Number(v ?? 0);
const s = (v: unknown) => String(v ?? "");
const key = (...parts: unknown[]) => JSON.stringify(parts);

/** The buckets as a VALUES list, each clipped to the range; with `whole`, row -1 is the whole range. */
function valuesOf(buckets: Bucket[], from: number, to: number, whole = false): string {
  const rows = buckets.map((b, i) => `(${i}, ${Math.max(b.start, from)}, ${Math.min(b.end, to)})`);
  if (whole) rows.push(`(-1, ${from}, ${to})`);
  return rows.join(", ");
}

interface Period {
  from: number;
  to: number;
  buckets: Bucket[];
}

/** The rows of every query for one period, keyed for lookup by bucket and group. */
interface Facts {
  money: Map<string, number>; // [i, currency, kind] -> amount; [i, currency, kind, "n"] -> count
  orders: Map<string, { count: number; total: number }>; // [i, currency]
  currencies: Set<string>;
  returning: Map<number, { customers: number; returning: number }>;
  funnel: Map<string, number>; // [i, step] -> visitors; [i, "completed"] -> orders
  products: Map<string, { units: number; revenue: number }>; // [i, product, currency]
}

async function factsOf(db: Db, period: Period, wanted: Set<MetricName>, productIds: string[]): Promise<Facts> {
  const { from, to, buckets } = period;
  const b = `WITH b(i, s, e) AS (VALUES ${valuesOf(buckets, from, to)})`;
  const bt = `WITH b(i, s, e) AS (VALUES ${valuesOf(buckets, from, to, true)})`;
  const facts: Facts = {
    money: new Map(),
    orders: new Map(),
    currencies: new Set(),
    returning: new Map(),
    funnel: new Map(),
    products: new Map(),
  };
  const needs = (...names: MetricName[]) => names.some((m) => wanted.has(m));
  const queries: Promise<void>[] = [];
  if (needs("revenue_gross", "revenue_net", "refunds", "refund_count")) {
    queries.push(
      db
        .query(
          `${b} SELECT b.i, m.currency, m.kind, SUM(m.amount) AS amount, COUNT(*) AS n
             FROM b JOIN money m ON m.at >= b.s AND m.at < b.e GROUP BY b.i, m.currency, m.kind`,
        )
        .then((rows) => {
          for (const r of rows) {
            facts.currencies.add(s(r.currency));
            facts.money.set(key(n(r.i), r.currency, r.kind), n(r.amount));
            facts.money.set(key(n(r.i), r.currency, r.kind, "n"), n(r.n));
          }
        }),
    );
  }
  if (needs("orders", "average_order_value")) {
    queries.push(
      db
        .query(
          `${b} SELECT b.i, o.currency, COUNT(*) AS n, SUM(o.total) AS total
             FROM b JOIN orders o ON o.at >= b.s AND o.at < b.e GROUP BY b.i, o.currency`,
        )
        .then((rows) => {
          for (const r of rows) {
            facts.currencies.add(s(r.currency));
            facts.orders.set(key(n(r.i), r.currency), { count: n(r.n), total: n(r.total) });
          }
        }),
    );
  }
  if (needs("returning_customer_rate")) {
    // returning: a customer of the bucket with two or more orders up to its end (Shopify's definition)
    queries.push(
      db
        .query(
          `${bt}, c AS (SELECT DISTINCT b.i, b.e, o.customer_id FROM b JOIN orders o ON o.at >= b.s AND o.at < b.e
                         WHERE o.customer_id IS NOT NULL)
           SELECT c.i, COUNT(*) AS customers,
                  SUM((SELECT COUNT(*) FROM (SELECT 1 FROM orders o2
                        WHERE o2.customer_id = c.customer_id AND o2.at < c.e LIMIT 2)) = 2) AS returners
             FROM c GROUP BY c.i`,
        )
        .then((rows) => {
          for (const r of rows) facts.returning.set(n(r.i), { customers: n(r.customers), returning: n(r.returners) });
        }),
    );
  }
  if (needs("conversion_rate", "product_viewers", "checkout_visitors")) {
    queries.push(
      db
        .query(
          `${bt} SELECT b.i, f.step, COUNT(DISTINCT f.visitor) AS visitors, COUNT(*) AS n
             FROM b JOIN storefront f ON f.step IN ('viewed', 'checkout', 'completed') AND f.at >= b.s AND f.at < b.e
            GROUP BY b.i, f.step`,
        )
        .then((rows) => {
          for (const r of rows) facts.funnel.set(key(n(r.i), r.step), r.step === "completed" ? n(r.n) : n(r.visitors));
        }),
    );
  }
  if (productIds.length > 0) {
    queries.push(
      db
        .query(
          `${bt} SELECT b.i, l.product_id, l.currency, SUM(l.quantity) AS units, SUM(l.amount) AS revenue
             FROM b JOIN order_lines l ON l.at >= b.s AND l.at < b.e
            WHERE l.product_id IN (SELECT value FROM json_each(?))
            GROUP BY b.i, l.product_id, l.currency`,
          [JSON.stringify(productIds)],
        )
        .then((rows) => {
          for (const r of rows)
            facts.products.set(key(n(r.i), r.product_id, r.currency), { units: n(r.units), revenue: n(r.revenue) });
        }),
    );
  }
  await Promise.all(queries);
  return facts;
}

interface TopProduct {
  product_id: string;
  currency: string;
  title: string;
  by_units: number;
  by_revenue: number;
}

/** The ten products sold most by units, and the ten by revenue within each currency, over the period. */
async function topProducts(db: Db, from: number, to: number): Promise<TopProduct[]> {
  const rows = await db.query(
    `WITH t AS (SELECT product_id, currency, SUM(quantity) AS units, SUM(amount) AS revenue
                  FROM order_lines WHERE at >= ? AND at < ? GROUP BY product_id, currency),
          r AS (SELECT t.*, ROW_NUMBER() OVER (ORDER BY units DESC, product_id) AS by_units,
                       ROW_NUMBER() OVER (PARTITION BY currency ORDER BY revenue DESC, product_id) AS by_revenue FROM t)
     SELECT r.product_id, r.currency, r.by_units, r.by_revenue, COALESCE(p.title, r.product_id) AS title
       FROM r LEFT JOIN products p ON p.id = r.product_id
      WHERE r.by_units <= ${TOP} OR r.by_revenue <= ${TOP}`,
    [from, to],
  );
  return rows.map((r: Row) => ({
    product_id: s(r.product_id),
    currency: s(r.currency),
    title: s(r.title),
    by_units: n(r.by_units),
    by_revenue: n(r.by_revenue),
  }));
}

/** One figure per bucket and for the whole period, from a period's facts. */
type Figure = (facts: Facts, i: number) => number;

function pointsOf(period: Period, facts: Facts, figure: Figure): { points: Point[]; total: number } {
  return {
    points: period.buckets.map((b, i) => ({ timestamp: b.label, value: figure(facts, i) })),
    total: figure(facts, -1),
  };
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 10_000) / 10_000);

/** Sums over buckets for additive facts: bucket -1 (the whole period) is the sum of all. */
function summed(i: number, one: (j: number) => number, count: number): number {
  if (i >= 0) return one(i);
  let sum = 0;
  for (let j = 0; j < count; j++) sum += one(j);
  return sum;
}

/** Checks what SQL and buckets need: a known metric, a sane range, not too many buckets. */
export function periodsOf(zone: string, query: MetricsQuery): { current: Period; previous: Period } {
  for (const [i, m] of query.metrics.entries()) {
    if (!(METRICS as readonly string[]).includes(m)) {
      throw new MetricsQueryError(`metrics.${i}`, `unknown metric "${m}"; the metrics are ${METRICS.join(", ")}`);
    }
  }
  const from = Date.parse(query.from);
  const to = Date.parse(query.to);
  if (!(to > from)) throw new MetricsQueryError("to", "must be after from");
  const size = query.interval as BucketSize;
  const current = { from, to, buckets: bucketsOf(zone, size, from, to, MAX_BUCKETS + 1) };
  if (current.buckets.length > MAX_BUCKETS) {
    throw new MetricsQueryError(
      "bucket",
      `more than ${MAX_BUCKETS} ${size} buckets from ${query.from} to ${query.to}; choose a larger bucket or a shorter range`,
    );
  }
  const pFrom = from - (to - from);
  return { current, previous: { from: pFrom, to: from, buckets: bucketsOf(zone, size, pFrom, from) } };
}

export async function metricsOf(db: Db, zone: string, query: MetricsQuery): Promise<MetricsResult> {
  const { current, previous } = periodsOf(zone, query);
  const wanted = new Set(query.metrics as MetricName[]);
  const top =
    wanted.has("top_products_by_units") || wanted.has("top_products_by_revenue")
      ? await topProducts(db, current.from, current.to)
      : [];
  const ids = [...new Set(top.map((t) => t.product_id))];
  const [now, before] = await Promise.all([factsOf(db, current, wanted, ids), factsOf(db, previous, wanted, ids)]);
  const currencies = [...new Set([...now.currencies, ...before.currencies])].sort();

  const series: Series[] = [];
  const add = (metric: string, figure: (period: Period) => Figure, group?: Record<string, string>) => {
    const cur = pointsOf(current, now, figure(current));
    const prev = pointsOf(previous, before, figure(previous));
    series.push({ metric, ...(group ? { group } : {}), ...cur, previous: prev });
  };
  const money =
    (currency: string, kind: string, count = false) =>
    (p: Period) =>
    (f: Facts, i: number) =>
      summed(i, (j) => f.money.get(key(j, currency, kind, ...(count ? ["n"] : []))) ?? 0, p.buckets.length);
  const orders = (currency: string, field: "count" | "total") => (p: Period) => (f: Facts, i: number) =>
    summed(i, (j) => f.orders.get(key(j, currency))?.[field] ?? 0, p.buckets.length);

  for (const metric of query.metrics as MetricName[]) {
    switch (metric) {
      case "revenue_gross":
      case "refunds":
      case "refund_count":
        for (const c of currencies) {
          add(metric, money(c, metric === "revenue_gross" ? "captured" : "refunded", metric === "refund_count"), {
            currency: c,
          });
        }
        break;
      case "revenue_net":
        for (const c of currencies) {
          add(metric, (p) => (f, i) => money(c, "captured")(p)(f, i) - money(c, "refunded")(p)(f, i), { currency: c });
        }
        break;
      case "orders":
        for (const c of currencies) add(metric, orders(c, "count"), { currency: c });
        break;
      case "average_order_value":
        for (const c of currencies) {
          add(
            metric,
            (p) => (f, i) => {
              const count = orders(c, "count")(p)(f, i);
              return count === 0 ? 0 : Math.round(orders(c, "total")(p)(f, i) / count);
            },
            { currency: c },
          );
        }
        break;
      case "returning_customer_rate":
        add(metric, () => (f, i) => ratio(f.returning.get(i)?.returning ?? 0, f.returning.get(i)?.customers ?? 0));
        break;
      case "top_products_by_units":
        for (const t of top.filter((t) => t.by_units <= TOP).sort((a, b) => a.by_units - b.by_units)) {
          add(metric, () => (f, i) => f.products.get(key(i, t.product_id, t.currency))?.units ?? 0, {
            product_id: t.product_id,
            title: t.title,
          });
        }
        break;
      case "top_products_by_revenue":
        for (const t of top
          .filter((t) => t.by_revenue <= TOP)
          .sort((a, b) => a.currency.localeCompare(b.currency) || a.by_revenue - b.by_revenue)) {
          add(metric, () => (f, i) => f.products.get(key(i, t.product_id, t.currency))?.revenue ?? 0, {
            product_id: t.product_id,
            title: t.title,
            currency: t.currency,
          });
        }
        break;
      case "conversion_rate":
      case "product_viewers":
      case "checkout_visitors": {
        // only a storefront that reports product views has a funnel to show
        const viewed = (f: Facts) => [...f.funnel.keys()].some((k) => k.includes('"viewed"'));
        if (!viewed(now) && !viewed(before)) break;
        if (metric === "product_viewers") add(metric, () => (f, i) => f.funnel.get(key(i, "viewed")) ?? 0);
        else if (metric === "checkout_visitors") add(metric, () => (f, i) => f.funnel.get(key(i, "checkout")) ?? 0);
        else {
          add(
            metric,
            () => (f, i) => ratio(f.funnel.get(key(i, "completed")) ?? 0, f.funnel.get(key(i, "viewed")) ?? 0),
          );
        }
        break;
      }
    }
  }
  return { series };
}
