/**
 * What every commerce operation shares: ids and the commit (money is integers in minor units,
 * see money.ts, so it needs no rounding). A change and the events it
 * causes go in one D1 batch (commitWithEvents); a change that depends on state read earlier (an
 * order still pending, a session not yet revoked) starts its batch with a guard, so a concurrent
 * change makes the whole batch, events included, roll back instead of firing hooks twice.
 */

import { z } from "zod";
import { commitWithEvents, type HookRun } from "../hooks/index.ts";
import type { TenantDb } from "../ledger/tenant-db.ts";
import type { OutboxEvent } from "../outbox/index.ts";
import { CommerceError } from "./errors.ts";

export const now = () => new Date().toISOString();

export const newId = (prefix: string) => `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;

/** A JSON column, parsed into a record. */
export const jsonRecord = z.string().transform((text) => z.record(z.string(), z.unknown()).parse(JSON.parse(text)));

/** Drops undefined fields, so a hook payload or a response carries only what is set. */
export function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * A statement that lets the batch through only when `condition` (an SQL boolean over the bound
 * params) holds at commit time; the CHECK on commerce_guards fails the batch otherwise.
 */
export function guard(db: TenantDb, condition: string, ...params: unknown[]): D1PreparedStatement {
  return db.prepare(`INSERT INTO commerce_guards (ok) SELECT ${condition}`).bind(...params);
}

// SQLite names the failed constraint by its expression: commerce_guards' is "ok = 1"
const GUARD_FAILED = /CHECK constraint failed: ok = 1/i;
const UNIQUE_FAILED = /UNIQUE constraint failed/i;

export const isUniqueViolation = (error: unknown) => error instanceof Error && UNIQUE_FAILED.test(error.message);

/**
 * Commits `writes` and `events` in one batch, behind `guards`. A guard that fails means another
 * request changed the same thing first: nothing of this one is kept, and the client may retry.
 */
export async function commit(
  run: HookRun,
  writes: D1PreparedStatement[],
  events: OutboxEvent[],
  guards: D1PreparedStatement[] = [],
): Promise<D1Result[]> {
  const db = run.db;
  const statements = guards.length > 0 ? [...guards, ...writes, db.prepare("DELETE FROM commerce_guards")] : writes;
  try {
    const results = await commitWithEvents(run, statements, events);
    return results.slice(guards.length, guards.length + writes.length);
  } catch (error) {
    if (error instanceof Error && GUARD_FAILED.test(error.message)) {
      throw new CommerceError(
        "CONCURRENT_MODIFICATION",
        "Another request changed this record while this one ran; nothing was changed. Read it again and retry.",
      );
    }
    throw error;
  }
}
