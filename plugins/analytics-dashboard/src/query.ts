/**
 * GET /metrics's query string as a MetricsQuery: from and to as ISO timestamps or local dates
 * (2026-03-01, in the store's time zone), bucket, and metrics (comma-separated, all by default).
 * A bad value is a MetricsQueryError naming its field, which the endpoint answers with 400.
 */
import { type MetricsQuery, metricsQuerySchema } from "@digital-commerce/plugin-sdk";
import { localInstant } from "./buckets.ts";
import { METRICS, MetricsQueryError } from "./metrics.ts";

const BUCKETS = ["hour", "day", "week", "month"] as const;
const DAY = 86_400_000;

function instantOf(zone: string, field: string, text: string): number {
  const local = localInstant(zone, text);
  if (local !== null) return local;
  const parsed = metricsQuerySchema.safeParse({ metrics: ["x"], from: text, to: text });
  if (!parsed.success) {
    throw new MetricsQueryError(field, `"${text}" is neither an ISO timestamp with offset nor a date (YYYY-MM-DD)`);
  }
  return Date.parse(text);
}

export function queryOf(zone: string, params: URLSearchParams, now = Date.now()): MetricsQuery {
  const bucket = params.get("bucket") ?? "day";
  if (!(BUCKETS as readonly string[]).includes(bucket)) {
    throw new MetricsQueryError("bucket", `"${bucket}" is not one of ${BUCKETS.join(", ")}`);
  }
  const to = params.has("to") ? instantOf(zone, "to", params.get("to") ?? "") : now;
  const from = params.has("from") ? instantOf(zone, "from", params.get("from") ?? "") : to - 30 * DAY;
  if (!(to > from)) throw new MetricsQueryError("to", "must be after from");
  const metrics = params
    .get("metrics")
    ?.split(",")
    .map((m) => m.trim())
    .filter(Boolean) ?? [...METRICS];
  if (metrics.length === 0) throw new MetricsQueryError("metrics", "names no metric");
  return metricsQuerySchema.parse({
    metrics,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    interval: bucket,
  });
}
