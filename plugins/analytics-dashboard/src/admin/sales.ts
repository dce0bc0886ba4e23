/**
 * What the admin widgets draw: the rows getDashboard("sales") computes (the last 30 days by day in the
 * store's time zone), one widget's at a time, and how each metric is labelled and formatted.
 */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { dashboardOf } from "../dashboard.ts";

export type Row = Record<string, string | number | null>;

/** The rows of widget `id` of the sales dashboard. */
export async function salesRows(context: PluginContext, id: string): Promise<Row[]> {
  const dashboard = await dashboardOf(context, "sales");
  return dashboard.widgets.find((w) => w.id === id)?.data ?? [];
}

export const METRIC_LABELS: Record<string, string> = {
  revenue_gross: "Gross revenue",
  revenue_net: "Net revenue",
  refunds: "Refunds",
  orders: "Orders",
  average_order_value: "Average order value",
  returning_customer_rate: "Returning customers",
  conversion_rate: "Conversion",
};

const MONEY = new Set(["revenue_gross", "revenue_net", "refunds", "average_order_value"]);
const RATES = new Set(["returning_customer_rate", "conversion_rate"]);

/** Money in minor units of its currency, rates as a percentage of 1, counts as they are. */
export function formatOf(metric: string, currency: string | null) {
  if (MONEY.has(metric) && currency) return { style: "money" as const, currency };
  if (RATES.has(metric)) return { style: "percent" as const };
  return { style: "number" as const };
}

/** The currencies the rows name, sorted, so each chart or table is in one currency. */
export const currenciesOf = (rows: Row[]) =>
  [...new Set(rows.map((r) => r.currency).filter((c): c is string => typeof c === "string"))].sort();

/** A bucket's timestamp as the day it starts (the charts' x axis). */
export const dayOf = (bucket: unknown) => String(bucket).slice(0, 10);
