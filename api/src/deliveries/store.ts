/**
 * The deliveries table: one row per (event, plugin, hook), claimed under a lease before
 * its handlers run, so a duplicated queue message never runs them twice, and every
 * attempt recorded with its timing and error.
 */

import { z } from "zod";
import {
  type Delivery,
  type DeliveryStatus,
  deliveryAttemptSchema,
  deliverySchema,
  deliveryStatus,
} from "../admin/answers/index.ts";
import type { TenantDb } from "../ledger/tenant-db.ts";

// the delivery's answer shapes are the admin API's (admin/answers), shared with the CLI and the dashboard
export { type Delivery, type DeliveryStatus, deliveryAttemptSchema, deliverySchema, deliveryStatus };

/** How long a claimed delivery stays claimed: longer than any plugin call may run (30 s). */
export const LEASE_SECONDS = 60;

export interface NewDelivery {
  id: string;
  eventId: string;
  tenantId: string;
  pluginSlug: string;
  hook: string;
  maxAttempts: number;
}

const now = () => new Date().toISOString();

/** INSERTs that leave an existing row alone: fanning the same event out twice creates nothing new. */
export function insertDeliveries(db: TenantDb, deliveries: readonly NewDelivery[]): D1PreparedStatement[] {
  return deliveries.map((d) =>
    db
      .prepare(
        `INSERT OR IGNORE INTO deliveries (id, event_id, tenant_id, plugin_slug, hook, max_attempts)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .bind(d.id, d.eventId, d.tenantId, d.pluginSlug, d.hook, d.maxAttempts),
  );
}

export type Claim =
  | { claimed: true; attempt: number; maxAttempts: number }
  | { claimed: false; status: DeliveryStatus | "missing"; leaseUntil: string | null };

const claimedRow = z.object({ attempts: z.number(), max_attempts: z.number(), attempt_floor: z.number() });
const stateRow = z.object({ status: deliveryStatus, lease_until: z.string().nullable() });

/**
 * Claims the delivery for one attempt: only a pending delivery, or a running one whose
 * lease ran out (its consumer died), can be claimed, and only by one message at a time.
 */
export async function claimDelivery(db: TenantDb, id: string, leaseSeconds = LEASE_SECONDS): Promise<Claim> {
  const at = now();
  const leaseUntil = new Date(Date.now() + leaseSeconds * 1000).toISOString();
  const row = await db
    .prepare(
      `UPDATE deliveries SET status = 'running', attempts = attempts + 1, lease_until = ?, updated_at = ?
        WHERE id = ? AND (status = 'pending' OR (status = 'running' AND lease_until < ?))
        RETURNING attempts, max_attempts, attempt_floor`,
    )
    .bind(leaseUntil, at, id, at)
    .first();
  if (row) {
    const claimed = claimedRow.parse(row);
    return { claimed: true, attempt: claimed.attempts - claimed.attempt_floor, maxAttempts: claimed.max_attempts };
  }
  const state = await db.prepare("SELECT status, lease_until FROM deliveries WHERE id = ?").bind(id).first();
  if (!state) return { claimed: false, status: "missing", leaseUntil: null };
  const parsed = stateRow.parse(state);
  return { claimed: false, status: parsed.status, leaseUntil: parsed.lease_until };
}

/**
 * Claims many deliveries in one round trip; returns the claimed ones with their attempt numbers.
 * The others are done, dead, or running elsewhere: their callers skip them.
 */
export async function claimDeliveries(
  db: TenantDb,
  ids: readonly string[],
): Promise<Map<string, { attempt: number; maxAttempts: number }>> {
  const claimed = new Map<string, { attempt: number; maxAttempts: number }>();
  if (ids.length === 0) return claimed;
  const at = now();
  const leaseUntil = new Date(Date.now() + LEASE_SECONDS * 1000).toISOString();
  const results = await db.batch(
    ids.map((id) =>
      db
        .prepare(
          `UPDATE deliveries SET status = 'running', attempts = attempts + 1, lease_until = ?, updated_at = ?
            WHERE id = ? AND (status = 'pending' OR (status = 'running' AND lease_until < ?))
            RETURNING id, attempts, max_attempts, attempt_floor`,
        )
        .bind(leaseUntil, at, id, at),
    ),
  );
  for (const result of results) {
    const row = result.results[0];
    if (!row) continue;
    const c = claimedRow.extend({ id: z.string() }).parse(row);
    claimed.set(c.id, { attempt: c.attempts - c.attempt_floor, maxAttempts: c.max_attempts });
  }
  return claimed;
}

export interface AttemptRecord {
  deliveryId: string;
  startedAt: string;
  durationMs: number;
  outcome: "succeeded" | "failed" | "timeout";
  error?: string;
  /** The plugin version the attempt ran on; absent when no installation was found to run. */
  pluginVersion?: string;
}

function attemptInsert(db: TenantDb, a: AttemptRecord): D1PreparedStatement {
  // the attempt number is the delivery's running count, so replays continue the numbering
  return db
    .prepare(
      `INSERT INTO delivery_attempts (delivery_id, attempt, started_at, duration_ms, outcome, error, plugin_version)
       SELECT id, attempts, ?, ?, ?, ?, ? FROM deliveries WHERE id = ?`,
    )
    .bind(a.startedAt, a.durationMs, a.outcome, a.error ?? null, a.pluginVersion ?? null, a.deliveryId);
}

/** The statements that record a successful attempt, for a caller's batch. */
export function successStatements(db: TenantDb, attempt: AttemptRecord): D1PreparedStatement[] {
  const at = now();
  return [
    attemptInsert(db, attempt),
    db
      .prepare(
        `UPDATE deliveries SET status = 'succeeded', lease_until = NULL, last_error = NULL, updated_at = ?, completed_at = ?
          WHERE id = ?`,
      )
      .bind(at, at, attempt.deliveryId),
  ];
}

/** The statements that record a failed attempt: back to pending, or dead when `final`. */
export function failureStatements(db: TenantDb, attempt: AttemptRecord, final: boolean): D1PreparedStatement[] {
  return [
    attemptInsert(db, attempt),
    db
      .prepare(`UPDATE deliveries SET status = ?, lease_until = NULL, last_error = ?, updated_at = ? WHERE id = ?`)
      .bind(final ? "dead" : "pending", attempt.error ?? null, now(), attempt.deliveryId),
  ];
}

export async function recordSuccess(db: TenantDb, attempt: AttemptRecord): Promise<void> {
  await db.batch(successStatements(db, attempt));
}

export async function recordFailure(db: TenantDb, attempt: AttemptRecord, final: boolean): Promise<void> {
  await db.batch(failureStatements(db, attempt, final));
}

/** Gives the delivery a fresh run of attempts (a replay): earlier attempts stay in its history. */
export function reopenDelivery(db: TenantDb, id: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE deliveries SET status = 'pending', attempt_floor = attempts, lease_until = NULL, updated_at = ?
        WHERE id = ? AND status = 'dead'`,
    )
    .bind(now(), id);
}

/** An event's deliveries, each with every attempt, oldest first. */
export async function deliveriesOfEvent(db: TenantDb, tenantId: string, eventId: string): Promise<Delivery[]> {
  const [deliveries, attempts] = await db.batch([
    db
      .prepare(
        `SELECT id, event_id, plugin_slug, hook, status, attempts, max_attempts, last_error, created_at, completed_at
           FROM deliveries WHERE tenant_id = ? AND event_id = ? ORDER BY plugin_slug`,
      )
      .bind(tenantId, eventId),
    db
      .prepare(
        `SELECT a.delivery_id, a.attempt, a.started_at, a.duration_ms, a.outcome, a.error, a.plugin_version
           FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
          WHERE d.tenant_id = ? AND d.event_id = ? ORDER BY a.attempt`,
      )
      .bind(tenantId, eventId),
  ]);
  const log = new Map<string, unknown[]>();
  for (const a of (attempts?.results ?? []) as { delivery_id: string }[]) {
    log.set(a.delivery_id, [...(log.get(a.delivery_id) ?? []), a]);
  }
  return (deliveries?.results ?? []).map((raw) => {
    const row = raw as { id: string };
    return deliverySchema.parse({ ...row, attempt_log: log.get(row.id) ?? [] });
  });
}
