/** The `revenue-over-time` widget, declared as data: gross and net revenue per bucket, one line per currency. */
export const revenueOverTime = {
  id: "revenue-over-time",
  title: "Revenue",
  source: { endpoint: "GET /metrics", query: { bucket: "day", metrics: "revenue_gross,revenue_net" } },
  chart: {
    kind: "line",
    x: "timestamp",
    y: "value",
    series: ["metric", "currency"],
    unit: "minor",
    compare: "previous",
  },
} as const;

export default revenueOverTime;
