/** GET /dashboard?id=sales: getDashboard over HTTP (the last 30 days by day). */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { dashboardOf } from "../dashboard.ts";

export default async function dashboardEndpoint(context: PluginContext, request: Request) {
  const id = new URL(request.url).searchParams.get("id") ?? "sales";
  try {
    return await dashboardOf(context, id);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith("DASHBOARD_NOT_FOUND")) {
      return Response.json(
        { error: { code: "DASHBOARD_NOT_FOUND", message: error.message, field: "id" } },
        { status: 404 },
      );
    }
    throw error;
  }
}
