/**
 * The db capability: each tenant's each plugin owns one SQLite-backed Durable
 * Object, named by the platform from the capability's props and never by the
 * plugin. Whatever SQL a plugin sends, it runs against that object's database
 * only: there is no other tenant's or plugin's data in it to reach.
 */

import { DurableObject, WorkerEntrypoint } from "cloudflare:workers";
import type { Migration } from "@digital-commerce/plugin-sdk";
import type { ApiEnv } from "../../env.ts";
import { ledgerDb } from "../../ledger/index.ts";
import { CapabilityError } from "../errors.ts";
import { quotaRule } from "../quotas.ts";
import { CallMeter, type Charge, type LogLease } from "./call-meter.ts";
import { type CallCapabilityProps, type CapabilityProps, type MeteredCall, namespaceOf } from "./props.ts";

type Row = Record<string, SqlStorageValue>;
const MAX_SQL_LENGTH = 100_000;

function checkStatement(sql: unknown, params: unknown): { sql: string; params: SqlStorageValue[] } {
  if (typeof sql !== "string" || sql.trim() === "")
    throw new CapabilityError("INVALID_ARGUMENT", "sql must be a non-empty string");
  if (sql.length > MAX_SQL_LENGTH)
    throw new CapabilityError("TOO_LARGE", `sql must be at most ${MAX_SQL_LENGTH} characters`);
  const list = params === undefined ? [] : params;
  if (!Array.isArray(list)) throw new CapabilityError("INVALID_ARGUMENT", "params must be an array");
  for (const p of list) {
    if (!(p === null || ["string", "number", "boolean"].includes(typeof p) || p instanceof ArrayBuffer)) {
      throw new CapabilityError(
        "INVALID_ARGUMENT",
        "params may hold only strings, numbers, booleans, null and ArrayBuffers",
      );
    }
  }
  return { sql, params: list.map((p) => (typeof p === "boolean" ? Number(p) : p)) as SqlStorageValue[] };
}

const MAX_BATCH = 100;

/**
 * The plugin's own object for one tenant: its SQLite database, and its call meter (call-meter.ts), which
 * needs exactly this object's guarantees: one per (tenant, plugin) in the world, one call at a time.
 */
export class PluginDatabase extends DurableObject<ApiEnv> {
  #meter: CallMeter | undefined;

  get #calls(): CallMeter {
    this.#meter ??= new CallMeter(this.ctx.storage.kv, (tenantId) => ledgerDb(this.env, tenantId), this.env.LOG_LEVEL);
    return this.#meter;
  }

  /**
   * Runs one statement; with `maxBytes` (the db_bytes quota), a statement that grows the database past
   * it is rolled back and refused. Deleting never grows it (SQLite reuses the freed pages), so a plugin
   * over a lowered quota can still delete its way under it.
   */
  query(sql: unknown, params: unknown, maxBytes?: number): Row[] {
    const s = checkStatement(sql, params);
    if (maxBytes === undefined) return this.ctx.storage.sql.exec<Row>(s.sql, ...s.params).toArray();
    return this.#withinBytes(maxBytes, () => this.ctx.storage.sql.exec<Row>(s.sql, ...s.params).toArray());
  }

  /**
   * Runs statements as one transaction: all apply or none. Interactive transactions
   * cannot cross the RPC boundary: while a Durable Object transaction is open its
   * input gate holds every incoming call, including the plugin's next statement.
   */
  batch(statements: unknown, maxBytes?: number): Row[][] {
    if (!Array.isArray(statements) || statements.length > MAX_BATCH) {
      throw new CapabilityError("INVALID_ARGUMENT", `a transaction is an array of at most ${MAX_BATCH} statements`);
    }
    const checked = statements.map((s: { sql?: unknown; params?: unknown } | null) =>
      checkStatement(s?.sql, s?.params),
    );
    const run = () => checked.map((s) => this.ctx.storage.sql.exec<Row>(s.sql, ...s.params).toArray());
    return maxBytes === undefined ? this.ctx.storage.transactionSync(run) : this.#withinBytes(maxBytes, run);
  }

  #withinBytes<T>(maxBytes: number, run: () => T): T {
    const storage = this.ctx.storage;
    return storage.transactionSync(() => {
      const before = storage.sql.databaseSize;
      const result = run();
      const after = storage.sql.databaseSize;
      // thrown inside the transaction: it rolls back, so the refused write leaves nothing behind
      if (after > before && after > maxBytes) {
        throw new CapabilityError(
          "QUOTA_EXCEEDED",
          `${quotaRule("db_bytes", maxBytes)}; this write would take it to ${after} bytes`,
        );
      }
      return result;
    });
  }

  chargeEvent(owner: CapabilityProps, call: MeteredCall): Charge {
    return this.#calls.chargeEvent(owner, call);
  }

  leaseLog(
    owner: CapabilityProps,
    call: MeteredCall,
    want: LogLease,
    unused: LogLease,
  ): ReturnType<CallMeter["leaseLog"]> {
    return this.#calls.leaseLog(owner, call, want, unused);
  }

  dropLogs(owner: CapabilityProps, call: MeteredCall, dropped: Parameters<CallMeter["dropLogs"]>[2]): void {
    this.#calls.dropLogs(owner, call, dropped);
  }

  openCall(owner: CapabilityProps, call: MeteredCall): void {
    this.#calls.openCall(owner, call);
  }

  closeCall(callId: string): void {
    this.#calls.closeCall(callId);
  }

  chargeRequest(owner: CapabilityProps): Charge {
    return this.#calls.chargeRequest(owner);
  }

  /** The ids of `migrations` this database has not had yet, in the order declared. */
  pendingMigrations(migrations: Migration[]): string[] {
    const done = this.#appliedIds();
    return migrations.filter((m) => !done.has(m.id)).map((m) => m.id);
  }

  /**
   * Applies the manifest's migrations not applied yet, in order, in one transaction: one that fails
   * undoes the others, so the database is as the previous version left it (an upgrade then refuses).
   */
  migrate(migrations: Migration[]): string[] {
    const sql = this.ctx.storage.sql;
    const done = this.#appliedIds();
    const pending = migrations.filter((m) => !done.has(m.id));
    this.ctx.storage.transactionSync(() => {
      for (const m of pending) {
        try {
          sql.exec(m.sql);
        } catch (error) {
          throw new Error(`migration ${m.id} failed: ${(error as Error).message}`);
        }
        sql.exec("INSERT INTO _platform_migrations (id, applied_at) VALUES (?, ?)", m.id, new Date().toISOString());
      }
    });
    return pending.map((m) => m.id);
  }

  /**
   * Undoes `migrations` (the ones an upgrade applied), last first, in one transaction, with each one's
   * `down`. The caller has checked every one has a `down`; one that fails undoes the others.
   */
  revert(migrations: Migration[]): string[] {
    const sql = this.ctx.storage.sql;
    const done = this.#appliedIds();
    const applied = migrations.filter((m) => done.has(m.id)).reverse();
    this.ctx.storage.transactionSync(() => {
      for (const m of applied) {
        if (m.down === undefined) throw new Error(`migration ${m.id} has no down`);
        try {
          sql.exec(m.down);
        } catch (error) {
          throw new Error(`undoing migration ${m.id} failed: ${(error as Error).message}`);
        }
        sql.exec("DELETE FROM _platform_migrations WHERE id = ?", m.id);
      }
    });
    return applied.map((m) => m.id);
  }

  #appliedIds(): Set<string> {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS _platform_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)");
    return new Set(
      sql
        .exec<{ id: string }>("SELECT id FROM _platform_migrations")
        .toArray()
        .map((r) => r.id),
    );
  }

  /** Removes every table and row: the plugin's data goes with its uninstall. */
  async destroy(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}

export function pluginDatabase(
  env: Pick<ApiEnv, "PLUGIN_DB">,
  props: CapabilityProps,
): DurableObjectStub<PluginDatabase> {
  return env.PLUGIN_DB.get(env.PLUGIN_DB.idFromName(namespaceOf(props)));
}

/** What the plugin's `context.db` talks to: the props, not the plugin, pick the database. */
export class DbCapability extends WorkerEntrypoint<ApiEnv, CallCapabilityProps> {
  async query(sql: unknown, params: unknown): Promise<Row[]> {
    const { quotas } = this.ctx.props.call;
    return (await pluginDatabase(this.env, this.ctx.props).query(sql, params, quotas.db_bytes)) as Row[];
  }

  async batch(statements: unknown): Promise<Row[][]> {
    const { quotas } = this.ctx.props.call;
    return (await pluginDatabase(this.env, this.ctx.props).batch(statements, quotas.db_bytes)) as Row[][];
  }
}
