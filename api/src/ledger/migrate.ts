/**
 * Brings one ledger's schema up to date: each migration not yet recorded runs with its record in one
 * transaction, so an object that stops mid-way starts the same migration again, never half of it.
 */
import { LEDGER_MIGRATIONS, type LedgerMigration } from "./migrations.ts";

export function migrateLedger(
  storage: DurableObjectStorage,
  migrations: readonly LedgerMigration[] = LEDGER_MIGRATIONS,
): string[] {
  const { sql } = storage;
  sql.exec("CREATE TABLE IF NOT EXISTS _ledger_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)");
  const done = new Set(
    sql
      .exec<{ id: string }>("SELECT id FROM _ledger_migrations")
      .toArray()
      .map((r) => r.id),
  );
  const applied: string[] = [];
  for (const m of migrations) {
    if (done.has(m.id)) continue;
    storage.transactionSync(() => {
      sql.exec(m.sql);
      sql.exec("INSERT INTO _ledger_migrations (id, applied_at) VALUES (?, ?)", m.id, new Date().toISOString());
    });
    applied.push(m.id);
  }
  return applied;
}
