/** A plugin's health as the admin API answers it: checks, the last day's calls, and calls over time for the charts. */
import { z } from "zod";
import { pluginState } from "./plugins.ts";

export const callStatsSchema = z.object({
  window: z.string(),
  calls: z.number(),
  errors: z.number(),
  timeouts: z.number(),
  limits_exceeded: z.number(),
  p50_ms: z.number().nullable(),
  p95_ms: z.number().nullable(),
  last_error: z
    .object({ at: z.string(), code: z.string(), message: z.string(), kind: z.string(), name: z.string() })
    .nullable(),
  denied_egress: z.number(),
  /** TCP connections the plugin opened with connect(), refused ones included. */
  connections: z.number(),
  /** Times a call went over one of its quotas (api/src/sandbox/quotas.ts), one per call and quota. */
  quota_hits: z.number(),
  /** Log lines dropped past log_lines_per_call or log_bytes_per_call, and their bytes. */
  log_lines_dropped: z.number(),
  log_bytes_dropped: z.number(),
});
export type CallStats = z.infer<typeof callStatsSchema>;

export const historyPointSchema = z.object({
  /** The bucket's start, ISO 8601 UTC. */
  at: z.string(),
  calls: z.number(),
  errors: z.number(),
  timeouts: z.number(),
  limits: z.number(),
  p50_ms: z.number().nullable(),
  p95_ms: z.number().nullable(),
  connections: z.number(),
  denied_egress: z.number(),
});
export type HistoryPoint = z.infer<typeof historyPointSchema>;

export const callHistorySchema = z.object({
  bucket: z.enum(["minute", "hour", "day"]),
  from: z.string(),
  to: z.string(),
  points: z.array(historyPointSchema),
});
export type CallHistory = z.infer<typeof callHistorySchema>;

export const healthStatus = z.enum(["healthy", "degraded", "unhealthy", "inactive", "not_installed"]);
export type HealthStatus = z.infer<typeof healthStatus>;

export const healthView = z
  .object({
    slug: z.string(),
    state: z.union([pluginState, z.literal("available")]),
    status: healthStatus,
    checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })),
    last_error: z.object({ at: z.string(), code: z.string(), message: z.string() }).nullable(),
    calls: callStatsSchema.meta({ description: "This tenant's calls into the plugin: counts, latency, last failure." }),
  })
  .meta({ id: "PluginHealth" });
export type HealthView = z.infer<typeof healthView>;
