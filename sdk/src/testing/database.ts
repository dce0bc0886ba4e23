/**
 * The plugin's database in a test: SQLite in memory (`node:sqlite`), with the manifest's
 * migrations applied as install applies them, behind the same binding the isolate's
 * `context.db` talks to. Parameters are checked and converted as the platform's Durable Object
 * does (booleans become 0/1; only strings, numbers, booleans, null and ArrayBuffers are taken).
 */
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import type { Migration } from "../manifest.ts";
import type { DbBinding, DbStatement } from "../runtime/protocol.ts";
import type { Row } from "../types.ts";

export interface TestDatabase extends DbBinding {
  close(): void;
}

function bindable(params: unknown[]): SQLInputValue[] {
  return params.map((p) => {
    if (p === null || typeof p === "string" || typeof p === "number") return p;
    if (typeof p === "boolean") return Number(p);
    if (p instanceof ArrayBuffer) return new Uint8Array(p);
    throw new TypeError(
      `params may hold only strings, numbers, booleans, null and ArrayBuffers; got ${p === undefined ? "undefined" : typeof p}`,
    );
  });
}

/** Rows as the platform hands them back: plain objects, blobs as ArrayBuffers. */
function rowOf(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [column, value] of Object.entries(row)) {
    out[column] =
      value instanceof Uint8Array ? value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) : value;
  }
  return out;
}

/**
 * Opens an in-memory database and applies `migrations` in order, each in its own transaction.
 *
 * @example
 * const db = memoryDatabase(manifest.migrations);
 * await db.query("SELECT COUNT(*) AS n FROM charges", []);
 */
export function memoryDatabase(migrations: readonly Migration[]): TestDatabase {
  const db = new DatabaseSync(":memory:");
  const run = (sql: string, params: unknown[] = []) =>
    db
      .prepare(sql)
      .all(...bindable(params))
      .map((row) => rowOf(row));
  const atomically = <T>(work: () => T): T => {
    db.exec("BEGIN");
    try {
      const result = work();
      db.exec("COMMIT");
      return result;
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  };
  for (const migration of migrations) {
    try {
      atomically(() => db.exec(migration.sql));
    } catch (error) {
      throw new Error(`migration ${migration.id} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return {
    query: async (sql, params) => run(sql, params),
    batch: async (statements: DbStatement[]) => atomically(() => statements.map((s) => run(s.sql, s.params))),
    close: () => db.close(),
  };
}
