/**
 * What a bench recorder received in one run (`?run=`): calls, distinct events and products, and with
 * `?rows=1` each product's first handling time, for the benchmark to reduce.
 */
import type { PluginContext } from "@digital-commerce/plugin-sdk";

export default async function received(context: PluginContext, request: Request) {
  const query = new URL(request.url).searchParams;
  const run = query.get("run") ?? "";
  const counts = await context.db.one(
    "SELECT COUNT(*) AS calls, COUNT(DISTINCT event_id) AS events, COUNT(DISTINCT product_id) AS products FROM received WHERE run = ?",
    [run],
  );
  if (query.get("rows") !== "1") return counts;
  const rows = await context.db.query(
    "SELECT product_id, MIN(handled_at) AS handled_at FROM received WHERE run = ? GROUP BY product_id",
    [run],
  );
  return { ...counts, rows };
}
