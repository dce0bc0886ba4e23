/**
 * The `sales-kpis` widget, declared as data: one card per figure with its trend against the previous
 * period, money per currency. No plugin code runs in the operator's browser; the admin dashboard
 * renders the declaration with its own components.
 */
export const kpiCards = {
  id: "sales-kpis",
  title: "Sales",
  source: {
    endpoint: "GET /metrics",
    query: {
      bucket: "day",
      metrics: "revenue_gross,revenue_net,refunds,orders,average_order_value,returning_customer_rate,conversion_rate",
    },
  },
  cards: {
    kind: "kpi",
    value: "total",
    compare: "previous.total",
    series: "currency",
    unit: { money: "minor", rate: "fraction" },
  },
} as const;

export default kpiCards;
