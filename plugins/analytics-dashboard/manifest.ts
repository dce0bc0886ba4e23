/**
 * analytics-dashboard: the store's sales analytics from the platform's analytics events, in the
 * plugin's own database: revenue gross and net of refunds per currency, orders, average order value,
 * refunds, returning customers, top products and storefront conversion, bucketed in the store's time
 * zone, each against the period before. Its admin widgets are TSX drawn in its isolate to UI trees.
 */
import { createAnalyticsPlugin } from "@digital-commerce/plugin-sdk";
import { FACTS_SCHEMA } from "./src/schema.ts";
import { TIME_ZONES } from "./src/timezones.ts";

export const manifest = createAnalyticsPlugin("Analytics Dashboard", "analytics-dashboard")
  .version("1.0.0")
  .description(
    "Sales analytics from the store's own events: revenue gross and net of refunds per currency, orders, average order value, refunds, returning customers, top products and conversion, by hour, day, week or month in the store's time zone, against the previous period.",
  )
  .author("Digital Commerce")
  .apiEndpoint("GET", "/metrics", "src/api/metrics.ts")
  .apiEndpoint("GET", "/dashboard", "src/api/dashboard.ts")
  .widget({ id: "sales-kpis", component: "src/admin/KpiCards.tsx", dashboard: "analytics", title: "Sales" })
  .widget({
    id: "revenue-over-time",
    component: "src/admin/RevenueOverTime.tsx",
    dashboard: "analytics",
    title: "Revenue",
  })
  .widget({
    id: "orders-over-time",
    component: "src/admin/OrdersOverTime.tsx",
    dashboard: "analytics",
    title: "Orders",
  })
  .widget({ id: "top-products", component: "src/admin/TopProducts.tsx", dashboard: "analytics", title: "Top products" })
  .setting("time_zone", {
    type: "string",
    label: "Store time zone",
    description: "The IANA time zone days, weeks and months are counted in (Europe/Paris, America/New_York, UTC).",
    enum: TIME_ZONES,
    default: "UTC",
  })
  .permission({ capabilities: ["db", "logger"] })
  .migration("0001_facts", FACTS_SCHEMA)
  .build();
