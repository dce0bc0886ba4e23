/** The `orders-over-time` widget: orders by day over the last 30 days, a bar per currency stacked. */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { BarChart, Text } from "@digital-commerce/plugin-sdk/ui";
import { currenciesOf, dayOf, type Row, salesRows } from "./sales.ts";

const COLORS = ["chart-1", "chart-2", "chart-3", "chart-4", "chart-5"] as const;

export default async function OrdersOverTime(context: PluginContext) {
  const rows = await salesRows(context, "orders-over-time");
  const currencies = currenciesOf(rows).slice(0, 8);
  if (currencies.length === 0) return <Text tone="muted">No orders in the last 30 days.</Text>;
  // one row per day, a column per currency: { day: "2026-12-01", USD: 3, JPY: 1 }
  const byDay = new Map<string, Row>();
  for (const r of rows) {
    const day = dayOf(r.bucket);
    const row = byDay.get(day) ?? { day, ...Object.fromEntries(currencies.map((c) => [c, 0])) };
    if (typeof r.currency === "string") row[r.currency] = Number(row[r.currency] ?? 0) + Number(r.orders ?? 0);
    byDay.set(day, row);
  }
  return (
    <BarChart
      data={[...byDay.values()]}
      x="day"
      series={currencies.map((c, i) => ({ key: c, label: c, color: COLORS[i % COLORS.length] }))}
      format={{ style: "number" }}
      stacked
    />
  );
}
