/**
 * The operations a tenant's ledger runs on its own database, in one request each: store functions
 * written against D1's statement API, given the object's SQLite through SqlDatabase. A program only
 * talks to that database (no fetch, no other object), so it runs to its end before the next request:
 * what it reads is what it writes against.
 */
import { claimWave, recordOutcomes, writeFanOut } from "../deliveries/batch.ts";
import { markSent } from "../outbox/index.ts";
import { recordCalls } from "../sandbox/accounting.ts";
import type { SqlDatabase } from "./sql-database.ts";
import type { TenantDb } from "./tenant-db.ts";
import { staleView } from "./view.ts";

const d1 = (db: SqlDatabase) => db.asD1() as TenantDb;

/** The ledger's schema as SQLite keeps it, for the drift test against D1's copies of the same tables. */
async function schema(db: SqlDatabase): Promise<{ type: string; name: string; sql: string }[]> {
  const { results } = await db
    .prepare(
      "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )
    .all<{ type: string; name: string; sql: string }>();
  return results;
}

export const programs = {
  schema,
  /** The tenant's view (installations, endpoints) unless `known` is still its generation. */
  view: async (db: SqlDatabase, args: { tenantId: string; known: number | null; sent?: string[] }) => {
    // the events a consumer batch received, marked sent in the same call (analytics' batches)
    if (args.sent?.length) await markSent(d1(db), args.sent);
    return await staleView(d1(db), args.tenantId, args.known);
  },
  fanOut: (db: SqlDatabase, args: Parameters<typeof writeFanOut>[1]) => writeFanOut(d1(db), args),
  claimWave: (db: SqlDatabase, args: Parameters<typeof claimWave>[1]) => claimWave(d1(db), args),
  recordOutcomes: (db: SqlDatabase, args: Parameters<typeof recordOutcomes>[1]) => recordOutcomes(d1(db), args),
  recordCalls: (db: SqlDatabase, args: Parameters<typeof recordCalls>[1]) => recordCalls(d1(db), args),
} satisfies Record<string, (db: SqlDatabase, args: never) => Promise<unknown>>;

export type Programs = typeof programs;
export type ProgramName = keyof Programs;
export type ProgramArgs<K extends ProgramName> = Parameters<Programs[K]>[1];
export type ProgramResult<K extends ProgramName> = Awaited<ReturnType<Programs[K]>>;
