/** GET /revenue?days=30: captured less refunded per day and currency, the stripe-revenue widget's data. */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { revenue } from "../ledger.ts";

export default async function revenueEndpoint(context: PluginContext, request: Request) {
  const asked = Number(new URL(request.url).searchParams.get("days") ?? 30);
  const days = Number.isInteger(asked) && asked > 0 && asked <= 366 ? asked : 30;
  return { days, revenue: await revenue(context, days) };
}
