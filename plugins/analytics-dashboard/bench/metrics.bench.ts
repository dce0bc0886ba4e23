/**
 * A year of a busy store in the plugin's tables, then getMetrics timed over it: the SQL and indexes
 * the platform runs, on SQLite in memory (node:sqlite, the SDK's test context, which applies the
 * manifest's migrations), the engine under the plugin's Durable Object database.
 *
 *   npx node plugins/analytics-dashboard/bench/metrics.bench.ts
 */
import { createTestContext } from "@digital-commerce/plugin-sdk/testing";
import { manifest } from "../manifest.ts";
import plugin from "../plugin.ts";
import { METRICS } from "../src/metrics.ts";

const ORDERS = 120_000; // ~330 a day
const YEAR = Date.parse("2026-01-01T00:00:00Z");
const SPAN = 365 * 86_400_000;

const t = createTestContext({ manifest, config: { time_zone: "Europe/Paris" } });
const db = t.context.db;
const started = performance.now();
// rows made by SQL in batches of 10,000: generating them in JS and binding them would time the loop, not the store
for (let batch = 0; batch < ORDERS / 10_000; batch++) {
  const base = batch * 10_000;
  const seq = `WITH RECURSIVE s(n) AS (SELECT ${base} UNION ALL SELECT n + 1 FROM s WHERE n < ${base + 9_999})`;
  await db.query(
    `${seq} INSERT INTO orders (id, event_id, at, currency, total, customer_id)
     SELECT 'ord_' || n, 'evt_o' || n, ${YEAR} + (n * 7919 % ${ORDERS}) * ${Math.floor(SPAN / ORDERS)},
            CASE WHEN n % 5 = 0 THEN 'EUR' WHEN n % 7 = 0 THEN 'JPY' ELSE 'USD' END,
            1000 + n % 9000, CASE WHEN n % 3 = 0 THEN NULL ELSE 'cus_' || (n % 40000) END FROM s`,
  );
  await db.query(
    `${seq}, l(k) AS (VALUES (0), (1))
     INSERT INTO order_lines (order_id, position, at, currency, product_id, quantity, amount)
     SELECT o.id, l.k, o.at, o.currency, 'prod_' || ((s.n + l.k * 13) % 500), 1 + s.n % 3, (1 + s.n % 3) * 700
       FROM s JOIN orders o ON o.id = 'ord_' || s.n, l`,
  );
  await db.query(
    `${seq} INSERT INTO money (event_id, kind, at, currency, amount, payment_id)
     SELECT 'evt_c' || o.id, 'captured', o.at + 60000, o.currency, o.total, 'pay_' || o.id FROM s JOIN orders o ON o.id = 'ord_' || s.n
     UNION ALL
     SELECT 'evt_r' || o.id, 'refunded', o.at + 86400000, o.currency, o.total / 2, 'pay_' || o.id
       FROM s JOIN orders o ON o.id = 'ord_' || s.n WHERE s.n % 20 = 0`,
  );
  await db.query(
    `${seq}, v(k) AS (VALUES (0), (1))
     INSERT INTO storefront (event_id, step, at, visitor)
     SELECT 'evt_v' || s.n || '_' || v.k, CASE WHEN v.k = 1 AND s.n % 2 = 0 THEN 'checkout' ELSE 'viewed' END,
            ${YEAR} + (s.n * 7919 % ${ORDERS}) * ${Math.floor(SPAN / ORDERS)} - 600000, 'ses_' || s.n
       FROM s, v`,
  );
}
const loaded = performance.now() - started;
const counts = await db.query(
  `SELECT (SELECT COUNT(*) FROM orders) AS orders, (SELECT COUNT(*) FROM order_lines) AS lines,
          (SELECT COUNT(*) FROM money) AS money, (SELECT COUNT(*) FROM storefront) AS storefront`,
);
const rows = Object.values(counts[0] ?? {}).reduce((sum: number, v) => sum + Number(v), 0);
console.log(`loaded ${rows} rows (${JSON.stringify(counts[0])}) in ${Math.round(loaded)} ms`);

const all = [...METRICS];
for (const [label, from, to, interval] of [
  ["a year by month", "2026-01-01T00:00:00+01:00", "2027-01-01T00:00:00+01:00", "month"],
  ["a year by day", "2026-01-01T00:00:00+01:00", "2027-01-01T00:00:00+01:00", "day"],
  ["a month by hour", "2026-06-01T00:00:00+02:00", "2026-07-01T00:00:00+02:00", "hour"],
] as const) {
  const t0 = performance.now();
  const result = await plugin.getMetrics(t.context, { metrics: all, from, to, interval, filters: {}, group_by: [] });
  console.log(
    `${label}: ${result.series.length} series in ${Math.round(performance.now() - t0)} ms (with the previous period)`,
  );
}
t.close();
