/**
 * The spec's `stripe-revenue` dashboard widget, declared as data: a chart of this plugin's GET /revenue
 * series. No plugin code runs in the operator's browser; the admin dashboard renders the declaration
 * with its own components (issue 11).
 */
export const revenueWidget = {
  id: "stripe-revenue",
  title: "Stripe revenue",
  source: { endpoint: "GET /revenue", query: { days: 30 } },
  chart: { kind: "bar", x: "day", y: "net", series: "currency", unit: "minor" },
} as const;

export default revenueWidget;
