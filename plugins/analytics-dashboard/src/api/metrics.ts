/**
 * GET /metrics?from&to&bucket&metrics: getMetrics over HTTP, with the time zone and both periods
 * named. A bad query value answers 400 INVALID_QUERY naming the field.
 */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { METRICS, MetricsQueryError, metricsOf, periodsOf } from "../metrics.ts";
import { queryOf } from "../query.ts";
import { zoneOf } from "../settings.ts";

export default async function metricsEndpoint(context: PluginContext, request: Request) {
  const zone = zoneOf(context);
  try {
    const query = queryOf(zone, new URL(request.url).searchParams);
    const { previous } = periodsOf(zone, query);
    return {
      time_zone: zone,
      bucket: query.interval,
      from: query.from,
      to: query.to,
      previous: { from: new Date(previous.from).toISOString(), to: new Date(previous.to).toISOString() },
      ...(await metricsOf(context.db, zone, query)),
    };
  } catch (error) {
    if (!(error instanceof MetricsQueryError)) throw error;
    return Response.json(
      { error: { code: error.code, message: error.message, field: error.field, metrics: METRICS } },
      { status: 400 },
    );
  }
}
