/**
 * Retention of a tenant ledger's history: what its alarm deletes, after what age, in bounded chunks,
 * and when it should look again. Nothing scans every tenant: each ledger sweeps itself (tenant-ledger.ts).
 *
 * History (traces, attempts, call accounting) goes after `LEDGER_RETENTION_DAYS`. The rows that are
 * the pipeline's idempotency record go only when finished and only after the longer
 * `LEDGER_FINISHED_RETENTION_DAYS`: a delivery that succeeded (or is dead with no open dead letter), a
 * sent outbox row none of whose deliveries is still open, a webhook delivery that succeeded, a dead
 * letter already replayed. Open dead letters, unfinished deliveries, unsent events and every commerce,
 * installation, configuration and quota row are never swept (README: "Retention").
 */
import type { ApiEnv } from "../env.ts";
import type { Logger } from "../logging/index.ts";

/** A busy ledger sweeps at most this far apart: history is at most this much older than its retention. */
export const SWEEP_INTERVAL_MS = 60 * 60 * 1000;
/** Rows one statement deletes at most, so one sweep holds the object for milliseconds, not seconds. */
export const SWEEP_CHUNK_ROWS = 5_000;
/** When a statement hit its chunk, the alarm comes back this soon for the rest, after the requests waiting. */
export const SWEEP_AGAIN_MS = 1_000;

export const DEFAULT_RETENTION_DAYS = 7;
/**
 * The queues' longest message retention (14 days): no copy of a message, nor a re-drive of it, can arrive
 * later than that after its event was written, so its delivery row is no longer needed to refuse it; also
 * beyond a provider's retries of an inbound webhook (Stripe: 3 days), whose event id the outbox row holds.
 */
export const DEFAULT_FINISHED_RETENTION_DAYS = 14;

const DAY_MS = 24 * 60 * 60 * 1000;

export type RetentionEnv = Pick<ApiEnv, "LEDGER_RETENTION_DAYS" | "LEDGER_FINISHED_RETENTION_DAYS">;

export interface RetentionPolicy {
  /** Days traces, attempts and call accounting are kept. */
  historyDays: number;
  /** Days finished deliveries, sent outbox rows, succeeded webhook deliveries and replayed dead letters are kept. */
  finishedDays: number;
}

function days(
  name: keyof RetentionEnv,
  value: string | undefined,
  fallback: number,
  log: Pick<Logger, "warn">,
): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (value.trim() !== "" && Number.isFinite(parsed) && parsed > 0) return parsed;
  log.warn({ [name]: value, fallback }, `${name} is not a positive number of days; using ${fallback}`);
  return fallback;
}

/**
 * The ledger's retention from its Worker's vars; a value that is not a positive number is logged and
 * replaced by its default. The finished rows are never kept for less than the history: a delivery
 * outlives its attempts, so the trace view never shows attempts of a delivery that is gone.
 */
export function retentionPolicy(env: RetentionEnv, log: Pick<Logger, "warn">): RetentionPolicy {
  const historyDays = days("LEDGER_RETENTION_DAYS", env.LEDGER_RETENTION_DAYS, DEFAULT_RETENTION_DAYS, log);
  const finishedDays = days(
    "LEDGER_FINISHED_RETENTION_DAYS",
    env.LEDGER_FINISHED_RETENTION_DAYS,
    DEFAULT_FINISHED_RETENTION_DAYS,
    log,
  );
  if (finishedDays >= historyDays) return { historyDays, finishedDays };
  log.warn(
    { LEDGER_FINISHED_RETENTION_DAYS: finishedDays, LEDGER_RETENTION_DAYS: historyDays },
    "LEDGER_FINISHED_RETENTION_DAYS is shorter than LEDGER_RETENTION_DAYS; finished rows are kept as long as the history",
  );
  return { historyDays, finishedDays: historyDays };
}

interface SweepRule {
  table: string;
  kept: keyof RetentionPolicy;
  /** Selects up to ?2 rowids of rows older than the cutoff ?1 that may go; each reads an index of migration 0004. */
  candidates: string;
  /** The oldest age among the rows this rule will delete some day: when the ledger needs its next sweep. */
  oldest: string;
}

/**
 * In order: a delivery goes before the outbox row it came from, whose payload a replay still reads
 * while the delivery is there. Every condition is one of migration 0004's (partial) indexes.
 */
export const SWEEP_RULES: readonly SweepRule[] = [
  {
    table: "hook_traces",
    kept: "historyDays",
    candidates: "SELECT rowid FROM hook_traces WHERE created_at < ?1 LIMIT ?2",
    oldest: "SELECT MIN(created_at) FROM hook_traces",
  },
  {
    table: "delivery_attempts",
    kept: "historyDays",
    candidates: "SELECT rowid FROM delivery_attempts WHERE started_at < ?1 LIMIT ?2",
    oldest: "SELECT MIN(started_at) FROM delivery_attempts",
  },
  {
    table: "webhook_attempts",
    kept: "historyDays",
    candidates: "SELECT rowid FROM webhook_attempts WHERE started_at < ?1 LIMIT ?2",
    oldest: "SELECT MIN(started_at) FROM webhook_attempts",
  },
  {
    table: "plugin_calls",
    kept: "historyDays",
    candidates: "SELECT rowid FROM plugin_calls WHERE started_at < ?1 LIMIT ?2",
    oldest: "SELECT MIN(started_at) FROM plugin_calls",
  },
  {
    table: "plugin_security_events",
    kept: "historyDays",
    candidates: "SELECT rowid FROM plugin_security_events WHERE at < ?1 LIMIT ?2",
    oldest: "SELECT MIN(at) FROM plugin_security_events",
  },
  {
    table: "plugin_quota_hits",
    kept: "historyDays",
    candidates: "SELECT rowid FROM plugin_quota_hits WHERE at < ?1 LIMIT ?2",
    oldest: "SELECT MIN(at) FROM plugin_quota_hits",
  },
  {
    // a dead delivery stays while its dead letter is open: a replay reopens it under the same id
    table: "deliveries",
    kept: "finishedDays",
    candidates: `SELECT rowid FROM deliveries d
                  WHERE status IN ('succeeded', 'dead') AND updated_at < ?1
                    AND NOT EXISTS (SELECT 1 FROM dead_letters l WHERE l.delivery_id = d.id AND l.replayed_at IS NULL)
                  LIMIT ?2`,
    oldest: "SELECT MIN(updated_at) FROM deliveries WHERE status IN ('succeeded', 'dead')",
  },
  {
    // an event's payload is read from its row (when too large to travel inline) while a delivery of it is open
    table: "outbox",
    kept: "finishedDays",
    candidates: `SELECT rowid FROM outbox o
                  WHERE sent_at IS NOT NULL AND sent_at < ?1
                    AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = o.id)
                  LIMIT ?2`,
    oldest: "SELECT MIN(sent_at) FROM outbox WHERE sent_at IS NOT NULL",
  },
  {
    // failed and skipped ones stay: they are what an endpoint's replay sends again
    table: "webhook_deliveries",
    kept: "finishedDays",
    candidates: "SELECT rowid FROM webhook_deliveries WHERE status = 'succeeded' AND completed_at < ?1 LIMIT ?2",
    oldest: "SELECT MIN(completed_at) FROM webhook_deliveries WHERE status = 'succeeded'",
  },
  {
    table: "dead_letters",
    kept: "finishedDays",
    candidates: "SELECT rowid FROM dead_letters WHERE replayed_at IS NOT NULL AND replayed_at < ?1 LIMIT ?2",
    oldest: "SELECT MIN(replayed_at) FROM dead_letters WHERE replayed_at IS NOT NULL",
  },
];

export interface SweepResult {
  /** Rows deleted, by table (tables with none left out). */
  deleted: Record<string, number>;
  /** Some statement deleted a whole chunk: more may be due, and the alarm should come back soon. */
  more: boolean;
  /** When the ledger wants its next sweep (epoch ms), or null when it holds nothing that will ever be swept. */
  nextAt: number | null;
}

/**
 * Deletes what is past its retention, at most `chunk` rows a table, and says when to sweep next: soon
 * when a chunk was full, else when the oldest remaining row expires but no sooner than `interval`
 * from now, or never while the ledger holds nothing sweepable (an idle, empty ledger costs nothing).
 */
export function sweepLedger(
  sql: SqlStorage,
  policy: RetentionPolicy,
  { now = Date.now(), chunk = SWEEP_CHUNK_ROWS, interval = SWEEP_INTERVAL_MS, again = SWEEP_AGAIN_MS } = {},
): SweepResult {
  const deleted: Record<string, number> = {};
  let more = false;
  let expiresAt: number | null = null;
  for (const rule of SWEEP_RULES) {
    const keptMs = policy[rule.kept] * DAY_MS;
    const cutoff = new Date(now - keptMs).toISOString();
    const cursor = sql.exec(`DELETE FROM ${rule.table} WHERE rowid IN (${rule.candidates})`, cutoff, chunk);
    cursor.toArray();
    // rowsWritten counts index entries too; changes() is the rows the DELETE removed
    const n = cursor.rowsWritten > 0 ? sql.exec<{ n: number }>("SELECT changes() AS n").one().n : 0;
    if (n > 0) deleted[rule.table] = n;
    if (n >= chunk) more = true;
    const oldest = sql.exec(rule.oldest).raw().next().value?.[0];
    if (typeof oldest === "string") {
      const at = Date.parse(oldest) + keptMs;
      if (!Number.isNaN(at)) expiresAt = expiresAt === null ? at : Math.min(expiresAt, at);
    }
  }
  const nextAt = more ? now + again : expiresAt === null ? null : Math.max(expiresAt, now + interval);
  return { deleted, more, nextAt };
}
