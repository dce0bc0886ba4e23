/** The `orders-over-time` widget, declared as data: orders per bucket and currency, against the previous period. */
export const ordersOverTime = {
  id: "orders-over-time",
  title: "Orders",
  source: { endpoint: "GET /metrics", query: { bucket: "day", metrics: "orders" } },
  chart: { kind: "bar", x: "timestamp", y: "value", series: "currency", unit: "count", compare: "previous" },
} as const;

export default ordersOverTime;
