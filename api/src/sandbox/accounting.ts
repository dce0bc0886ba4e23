/** Per-plugin, per-tenant accounting of calls: what the health endpoint reports. */

import { z } from "zod";
import { type CallStats, callStatsSchema } from "../admin/answers/index.ts";
import type { TenantDb } from "../ledger/tenant-db.ts";

/**
 * `service`: a dependent's call of one of the plugin's services, recorded against the plugin that serves it.
 * `socket`: one TCP connection the plugin opened (carried or refused), for its whole life; counted as a
 * connection, not a call, so a long SMTP session does not skew the calls' latency.
 * `widget`: a widget or settings component drawn, or one of its actions, in the plugin's isolate.
 */
export type CallKind = "hook" | "endpoint" | "webhook" | "lifecycle" | "method" | "service" | "socket" | "widget";
export type CallOutcome = "ok" | "error" | "timeout" | "limit";

export interface CallRecord {
  tenantId: string;
  slug: string;
  kind: CallKind;
  name: string;
  startedAt: string;
  durationMs: number;
  outcome: CallOutcome;
  error?: { code: string; message: string };
}

export function callInsert(db: TenantDb, call: CallRecord): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO plugin_calls (tenant_id, slug, kind, name, started_at, duration_ms, outcome, error_code, error_message)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      call.tenantId,
      call.slug,
      call.kind,
      call.name,
      call.startedAt,
      call.durationMs,
      call.outcome,
      call.error?.code ?? null,
      call.error?.message.slice(0, 1000) ?? null,
    );
}

export async function recordCall(db: TenantDb, call: CallRecord): Promise<void> {
  await callInsert(db, call).run();
}

/** Many calls in one transaction: what a Worker's call log (call-log.ts) writes per flush. */
export async function recordCalls(db: TenantDb, calls: readonly CallRecord[]): Promise<void> {
  if (calls.length > 0) await db.batch(calls.map((call) => callInsert(db, call)));
}

// the stats' answer shape is the admin API's (admin/answers), shared with the CLI and the dashboard
export { type CallStats, callStatsSchema };

const STATS_WINDOW_HOURS = 24;
const LATENCY_SAMPLE = 1_000;

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] as number) * 100) / 100;
}

export const callCountsRow = z.object({
  calls: z.number(),
  errors: z.number(),
  timeouts: z.number(),
  limits: z.number(),
});

/**
 * A plugin's calls since `since`, and how many of them ended in an error, a timeout or a limit (one
 * `callCountsRow`): what health counts, here and in a rollout's cohorts. A socket is a connection,
 * not a call.
 */
export function callCounts(db: TenantDb, tenantId: string, slug: string, since: string): D1PreparedStatement {
  return db
    .prepare(
      `SELECT COUNT(*) AS calls,
              COALESCE(SUM(outcome = 'error'), 0) AS errors,
              COALESCE(SUM(outcome = 'timeout'), 0) AS timeouts,
              COALESCE(SUM(outcome = 'limit'), 0) AS limits
         FROM plugin_calls WHERE tenant_id = ? AND slug = ? AND started_at >= ? AND kind != 'socket'`,
    )
    .bind(tenantId, slug, since);
}

/** Calls of the last 24 hours; latency percentiles over the latest 1,000 of them. */
export async function callStats(db: TenantDb, tenantId: string, slug: string, now = new Date()): Promise<CallStats> {
  const since = new Date(now.getTime() - STATS_WINDOW_HOURS * 3_600_000).toISOString();
  const [counts, latencies, lastError, denied, connections, quotaHits] = await db.batch([
    callCounts(db, tenantId, slug, since),
    db
      .prepare(
        "SELECT duration_ms FROM plugin_calls WHERE tenant_id = ? AND slug = ? AND started_at >= ? AND kind != 'socket' ORDER BY id DESC LIMIT ?",
      )
      .bind(tenantId, slug, since, LATENCY_SAMPLE),
    db
      .prepare(
        `SELECT started_at AS at, error_code AS code, error_message AS message, kind, name FROM plugin_calls
          WHERE tenant_id = ? AND slug = ? AND outcome != 'ok' ORDER BY id DESC LIMIT 1`,
      )
      .bind(tenantId, slug),
    db
      .prepare(
        "SELECT COUNT(*) AS n FROM plugin_security_events WHERE tenant_id = ? AND slug = ? AND kind = 'egress_denied' AND at >= ?",
      )
      .bind(tenantId, slug, since),
    db
      .prepare(
        "SELECT COUNT(*) AS n FROM plugin_calls WHERE tenant_id = ? AND slug = ? AND started_at >= ? AND kind = 'socket'",
      )
      .bind(tenantId, slug, since),
    db
      .prepare(
        `SELECT COUNT(*) AS hits,
                COALESCE(SUM(CASE WHEN quota LIKE 'log_%' THEN refused ELSE 0 END), 0) AS lines,
                COALESCE(SUM(dropped_bytes), 0) AS bytes
           FROM plugin_quota_hits WHERE tenant_id = ? AND slug = ? AND at >= ?`,
      )
      .bind(tenantId, slug, since),
  ]);
  const q = z.object({ hits: z.number(), lines: z.number(), bytes: z.number() }).parse(quotaHits?.results[0]);
  const c = callCountsRow.parse(counts?.results[0]);
  const durations = z
    .array(z.object({ duration_ms: z.number() }))
    .parse(latencies?.results)
    .map((r) => r.duration_ms)
    .sort((a, b) => a - b);
  const last = lastError?.results[0];
  return {
    window: `${STATS_WINDOW_HOURS}h`,
    calls: c.calls,
    errors: c.errors,
    timeouts: c.timeouts,
    limits_exceeded: c.limits,
    p50_ms: percentile(durations, 50),
    p95_ms: percentile(durations, 95),
    last_error: last
      ? z
          .object({ at: z.string(), code: z.string(), message: z.string(), kind: z.string(), name: z.string() })
          .parse(last)
      : null,
    denied_egress: z.object({ n: z.number() }).parse(denied?.results[0]).n,
    connections: z.object({ n: z.number() }).parse(connections?.results[0]).n,
    quota_hits: q.hits,
    log_lines_dropped: q.lines,
    log_bytes_dropped: q.bytes,
  };
}
