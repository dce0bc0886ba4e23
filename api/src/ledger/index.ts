/**
 * @module Each tenant's hot state in its own Durable Object (tenant-ledger.ts), reached by tenant id:
 * a program for a whole operation in one call (`runLedger`), or D1's statement API over calls
 * (`ledgerDb`) for the cold paths.
 */
import type { ApiEnv } from "../env.ts";
import type { ProgramArgs, ProgramName, ProgramResult } from "./programs.ts";
import { heard, RemoteDatabase } from "./remote-database.ts";
import type { TenantDb } from "./tenant-db.ts";

export { migrateLedger } from "./migrate.ts";
export { LEDGER_MIGRATIONS, type LedgerMigration } from "./migrations.ts";
export type { ProgramArgs, ProgramName, ProgramResult } from "./programs.ts";
export {
  DEFAULT_FINISHED_RETENTION_DAYS,
  DEFAULT_RETENTION_DAYS,
  type RetentionPolicy,
  retentionPolicy,
  SWEEP_AGAIN_MS,
  SWEEP_CHUNK_ROWS,
  SWEEP_INTERVAL_MS,
  SWEEP_RULES,
  sweepLedger,
} from "./retention.ts";
export { SqlDatabase } from "./sql-database.ts";
export type { TenantDb } from "./tenant-db.ts";
export { TenantLedger } from "./tenant-ledger.ts";

type LedgerEnv = Pick<ApiEnv, "LEDGER">;

/** The tenant's ledger: one object per tenant id, wherever the caller runs (API Worker or consumers). */
export function ledgerOf(env: LedgerEnv, tenantId: string) {
  return env.LEDGER.get(env.LEDGER.idFromName(tenantId));
}

/** Runs `name` in the tenant's ledger, in one call; its coded errors are thrown here with their codes. */
export async function runLedger<K extends ProgramName>(
  env: LedgerEnv,
  tenantId: string,
  name: K,
  args: ProgramArgs<K>,
): Promise<ProgramResult<K>> {
  return heard(tenantId, await ledgerOf(env, tenantId).run(name, args)) as ProgramResult<K>;
}

/** The tenant's ledger behind D1's statement API: one call per statement, one per batch. */
export function ledgerDb(env: LedgerEnv, tenantId: string): TenantDb {
  return new RemoteDatabase(ledgerOf(env, tenantId), tenantId).asD1() as TenantDb;
}
