/**
 * getDashboard("sales"): the last 30 days by day in the store's time zone, as the rows the admin
 * widgets chart: KPI cards with their change against the 30 days before, revenue and orders over
 * time per currency, and the top products.
 */
import type { DashboardData, MetricsResult, PluginContext } from "@digital-commerce/plugin-sdk";
import { metricsOf } from "./metrics.ts";
import { zoneOf } from "./settings.ts";

const DAY = 86_400_000;
type Series = MetricsResult["series"][number];

/** The change from the previous period as a fraction (0.25 is +25 %), null when there was nothing before. */
const trend = (now: number, before: number) =>
  before === 0 ? null : Math.round(((now - before) / before) * 1000) / 1000;

function kpi(s: Series) {
  const value = s.total ?? 0;
  const previous = s.previous?.total ?? 0;
  return { metric: s.metric, currency: s.group?.currency ?? null, value, previous, trend: trend(value, previous) };
}

export async function dashboardOf(context: PluginContext, id: string, now = Date.now()): Promise<DashboardData> {
  if (id !== "sales") throw new Error(`DASHBOARD_NOT_FOUND: no dashboard ${id}; this plugin has "sales"`);
  const to = now;
  const { series } = await metricsOf(context.db, zoneOf(context), {
    metrics: [
      "revenue_gross",
      "revenue_net",
      "refunds",
      "orders",
      "average_order_value",
      "returning_customer_rate",
      "conversion_rate",
      "top_products_by_revenue",
      "top_products_by_units",
    ],
    from: new Date(to - 30 * DAY).toISOString(),
    to: new Date(to).toISOString(),
    interval: "day",
    filters: {},
    group_by: [],
  });
  const of = (metric: string) => series.filter((s) => s.metric === metric);
  const overTime = (metric: string, column: string) =>
    of(metric).flatMap((s) =>
      s.points.map((p) => ({ bucket: p.timestamp, currency: s.group?.currency ?? null, [column]: p.value })),
    );
  const kpis = [
    "revenue_gross",
    "revenue_net",
    "refunds",
    "orders",
    "average_order_value",
    "returning_customer_rate",
    "conversion_rate",
  ];
  return {
    id,
    title: "Sales",
    widgets: [
      { id: "sales-kpis", title: "Sales", type: "metric", data: kpis.flatMap((m) => of(m).map(kpi)) },
      {
        id: "revenue-over-time",
        title: "Revenue",
        type: "line",
        data: overTime("revenue_gross", "gross").map((row, i) => ({
          ...row,
          net: overTime("revenue_net", "net")[i]?.net ?? 0,
        })),
      },
      { id: "orders-over-time", title: "Orders", type: "bar", data: overTime("orders", "orders") },
      {
        id: "top-products",
        title: "Top products",
        type: "table",
        data: [
          ...of("top_products_by_revenue").map((s, i) => ({
            ranking: "revenue",
            rank: i + 1,
            product_id: s.group?.product_id ?? "",
            title: s.group?.title ?? "",
            currency: s.group?.currency ?? null,
            value: s.total ?? 0,
          })),
          ...of("top_products_by_units").map((s, i) => ({
            ranking: "units",
            rank: i + 1,
            product_id: s.group?.product_id ?? "",
            title: s.group?.title ?? "",
            currency: null,
            value: s.total ?? 0,
          })),
        ],
      },
    ],
    updated_at: new Date(now).toISOString(),
  };
}
