/**
 * A plugin's calls over time, per tenant: for each hour (or minute, or day) of a window, how many calls,
 * how many failed, timed out or hit a limit, the latency's p50 and p95, connections opened and egress
 * denied. What the dashboard's health charts draw. Percentiles are computed in SQL (window functions
 * over the calls of each bucket), so a busy plugin's day is not shipped to the Worker row by row.
 */

import { z } from "zod";
import { type CallHistory, callHistorySchema, historyPointSchema } from "../admin/answers/index.ts";
import type { TenantDb } from "../ledger/tenant-db.ts";

export const historyBuckets = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
export type HistoryBucket = keyof typeof historyBuckets;
/** At most this many buckets in one answer: 48 hours by the hour, 2 hours by the minute, 60 days by the day. */
export const MAX_BUCKETS = 120;

// the history's answer shape is the admin API's (admin/answers), shared with the dashboard's charts
export { type CallHistory, callHistorySchema, historyPointSchema };

const callRow = z.object({
  b: z.number(),
  calls: z.number(),
  errors: z.number(),
  timeouts: z.number(),
  limits: z.number(),
  connections: z.number(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
});
const deniedRow = z.object({ b: z.number(), n: z.number() });

/**
 * The window [from, to) cut into buckets, every bucket present (zeros where nothing happened).
 * Times are bucketed by their epoch milliseconds, so hours and days are UTC's.
 */
export async function callHistory(
  db: TenantDb,
  tenantId: string,
  slug: string,
  window: { bucket: HistoryBucket; buckets: number; now?: Date },
): Promise<CallHistory> {
  const size = historyBuckets[window.bucket];
  const end = Math.floor((window.now ?? new Date()).getTime() / size) * size + size;
  const start = end - window.buckets * size;
  const from = new Date(start).toISOString();
  const to = new Date(end).toISOString();
  // julianday → epoch ms, then the bucket's index from `start`
  const bucketOf = (column: string) =>
    `CAST(((julianday(${column}) - 2440587.5) * 86400000 - ${start}) / ${size} AS INTEGER)`;
  const [calls, denied] = await db.batch([
    db
      .prepare(
        `WITH c AS (
           SELECT ${bucketOf("started_at")} AS b, kind, outcome, duration_ms FROM plugin_calls
            WHERE tenant_id = ?1 AND slug = ?2 AND started_at >= ?3 AND started_at < ?4
         ),
         ranked AS (
           SELECT b, duration_ms,
                  ROW_NUMBER() OVER (PARTITION BY b ORDER BY duration_ms) AS rn,
                  COUNT(*) OVER (PARTITION BY b) AS n
             FROM c WHERE kind != 'socket'
         ),
         pct AS (
           SELECT b,
                  MAX(CASE WHEN rn = MAX(1, CAST((n * 50 + 99) / 100 AS INTEGER)) THEN duration_ms END) AS p50,
                  MAX(CASE WHEN rn = MAX(1, CAST((n * 95 + 99) / 100 AS INTEGER)) THEN duration_ms END) AS p95
             FROM ranked GROUP BY b
         )
         SELECT c.b AS b,
                COALESCE(SUM(c.kind != 'socket'), 0) AS calls,
                COALESCE(SUM(c.kind != 'socket' AND c.outcome = 'error'), 0) AS errors,
                COALESCE(SUM(c.kind != 'socket' AND c.outcome = 'timeout'), 0) AS timeouts,
                COALESCE(SUM(c.kind != 'socket' AND c.outcome = 'limit'), 0) AS limits,
                COALESCE(SUM(c.kind = 'socket'), 0) AS connections,
                pct.p50 AS p50, pct.p95 AS p95
           FROM c LEFT JOIN pct ON pct.b = c.b
          GROUP BY c.b`,
      )
      .bind(tenantId, slug, from, to),
    db
      .prepare(
        `SELECT ${bucketOf("at")} AS b, COUNT(*) AS n FROM plugin_security_events
          WHERE tenant_id = ?1 AND slug = ?2 AND kind = 'egress_denied' AND at >= ?3 AND at < ?4
          GROUP BY b`,
      )
      .bind(tenantId, slug, from, to),
  ]);
  const byBucket = new Map(
    z
      .array(callRow)
      .parse(calls?.results ?? [])
      .map((r) => [r.b, r]),
  );
  const deniedBy = new Map(
    z
      .array(deniedRow)
      .parse(denied?.results ?? [])
      .map((r) => [r.b, r.n]),
  );
  const round = (ms: number | null | undefined) =>
    ms === null || ms === undefined ? null : Math.round(ms * 100) / 100;
  const points = Array.from({ length: window.buckets }, (_, b) => {
    const row = byBucket.get(b);
    return {
      at: new Date(start + b * size).toISOString(),
      calls: row?.calls ?? 0,
      errors: row?.errors ?? 0,
      timeouts: row?.timeouts ?? 0,
      limits: row?.limits ?? 0,
      p50_ms: round(row?.p50),
      p95_ms: round(row?.p95),
      connections: row?.connections ?? 0,
      denied_egress: deniedBy.get(b) ?? 0,
    };
  });
  return { bucket: window.bucket, from, to, points };
}
