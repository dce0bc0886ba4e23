/**
 * analytics-dashboard's AnalyticsPlugin methods: trackEvent records the facts an event states in the
 * plugin's own tables (idempotently, by event id), getMetrics and getDashboard read them in SQL.
 */
import type { PluginImplementation } from "@digital-commerce/plugin-sdk";
import { dashboardOf } from "./src/dashboard.ts";
import { metricsOf } from "./src/metrics.ts";
import { recordEvent } from "./src/record.ts";
import { zoneOf } from "./src/settings.ts";

const plugin: PluginImplementation<"analytics"> = {
  trackEvent: (context, event) => recordEvent(context, event),
  getMetrics: (context, query) => metricsOf(context.db, zoneOf(context), query),
  getDashboard: (context, dashboardId) => dashboardOf(context, dashboardId),
};

export default plugin;
