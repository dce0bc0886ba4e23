/**
 * One tenant's hot state, in its own SQLite-backed Durable Object: commerce rows, installations and
 * configuration, the outbox, deliveries and their attempts, dead letters, traces and call accounting.
 * Single-threaded per tenant, so one tenant's burst loads only its own object; D1 keeps the global,
 * read-mostly tables (tenants, token digests, the plugin catalogue).
 *
 * Nothing is lost between a write and its queue: an event's outbox row commits with the change, the
 * writer sends it after the commit and marks it sent. While a row is unsent the object keeps an alarm
 * set, and the alarm sends what is still unsent after OUTBOX_REDRIVE_AFTER_SECONDS (a failed send, a
 * writer stopped between commit and send), so no scan over every tenant is ever needed.
 */
import { DurableObject } from "cloudflare:workers";
import type { ApiEnv } from "../env.ts";
import { serviceLogger } from "../logging/index.ts";
import { redriveOutbox } from "../outbox/index.ts";
import { migrateLedger } from "./migrate.ts";
import { type ProgramArgs, type ProgramName, type ProgramResult, programs } from "./programs.ts";
import { SqlDatabase } from "./sql-database.ts";
import type { TenantDb } from "./tenant-db.ts";
import { failedAnswer, type LedgerAnswer, type WireStatement } from "./wire.ts";

/** Seconds an event may stay unsent before the alarm sends it (OUTBOX_REDRIVE_AFTER_SECONDS, default 60). */
function redriveAfterSeconds(env: ApiEnv): number {
  const seconds = Number(env.OUTBOX_REDRIVE_AFTER_SECONDS ?? 60);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : 60;
}

export class TenantLedger extends DurableObject<ApiEnv> {
  readonly #db: SqlDatabase;
  /** Whether an alarm is set for the unsent events (kept in memory; the alarm itself is durable). */
  #armed: boolean | null = null;

  constructor(ctx: DurableObjectState, env: ApiEnv) {
    super(ctx, env);
    this.#db = new SqlDatabase(ctx.storage);
    // before the first request: no request ever sees a schema older than this version's
    void ctx.blockConcurrencyWhile(async () => {
      migrateLedger(ctx.storage);
    });
  }

  /** One statement, D1's answer shape: the remote client's prepare().first()/all()/run(). */
  async query(statement: WireStatement): Promise<LedgerAnswer<D1Result<Record<string, unknown>>>> {
    try {
      const result = this.#db.execute(this.#db.prepare(statement.sql).bind(...statement.params));
      if (result.meta.changed_db) await this.#keepAlarm();
      return { ok: true, value: result };
    } catch (error) {
      return failedAnswer(error);
    }
  }

  /** Statements in one transaction, as D1's batch: all of them or none. */
  async batch(statements: WireStatement[]): Promise<LedgerAnswer<D1Result<Record<string, unknown>>[]>> {
    try {
      const results = await this.#db.batch(statements.map((s) => this.#db.prepare(s.sql).bind(...s.params)));
      if (results.some((r) => r.meta.changed_db)) await this.#keepAlarm();
      return { ok: true, value: results };
    } catch (error) {
      return failedAnswer(error);
    }
  }

  /** A named program (programs.ts) on this tenant's database, in this one request. */
  async run<K extends ProgramName>(name: K, args: ProgramArgs<K>): Promise<LedgerAnswer<ProgramResult<K>>> {
    const program = programs[name] as unknown as (db: SqlDatabase, args: ProgramArgs<K>) => Promise<ProgramResult<K>>;
    if (typeof program !== "function") return failedAnswer(new Error(`the ledger has no program "${String(name)}"`));
    try {
      const value = await program(this.#db, args);
      await this.#keepAlarm();
      return { ok: true, value };
    } catch (error) {
      return failedAnswer(error);
    }
  }

  /** Sends the events still unsent after the re-drive delay; set again while any remain. */
  override async alarm(): Promise<void> {
    this.#armed = false;
    const log = serviceLogger("tenant-ledger", this.env.LOG_LEVEL).child({ job: "outbox-redrive" });
    await redriveOutbox(this.#db.asD1() as TenantDb, this.env, log, {
      olderThanSeconds: redriveAfterSeconds(this.env),
    });
    await this.#keepAlarm();
  }

  /** An alarm while the outbox has unsent events, none when it has not: after every write. */
  async #keepAlarm(): Promise<void> {
    const unsent = this.#db.sql.exec("SELECT 1 FROM outbox WHERE sent_at IS NULL LIMIT 1").toArray().length > 0;
    if (this.#armed === null) this.#armed = (await this.ctx.storage.getAlarm()) !== null;
    if (unsent && !this.#armed) {
      await this.ctx.storage.setAlarm(Date.now() + redriveAfterSeconds(this.env) * 1000);
      this.#armed = true;
    } else if (!unsent && this.#armed) {
      await this.ctx.storage.deleteAlarm();
      this.#armed = false;
    }
  }
}
