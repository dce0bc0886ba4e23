/**
 * One tenant's hot state, in its own SQLite-backed Durable Object: commerce rows, installations and
 * configuration, the outbox, deliveries and their attempts, dead letters, traces and call accounting.
 * Single-threaded per tenant, so one tenant's burst loads only its own object; D1 keeps the global,
 * read-mostly tables (tenants, token digests, the plugin catalogue).
 *
 * Nothing is lost between a write and its queue: an event's outbox row commits with the change, the
 * writer sends it after the commit and marks it sent. While a row is unsent the object keeps an alarm
 * set, and the alarm sends what is still unsent after OUTBOX_REDRIVE_AFTER_SECONDS (a failed send, a
 * writer stopped between commit and send), so no scan over every tenant is ever needed. The same alarm
 * sweeps the ledger's history past its retention (retention.ts), at most SWEEP_INTERVAL_MS apart while
 * there is anything to sweep, and is not set at all in a ledger that holds nothing that expires.
 */
import { DurableObject } from "cloudflare:workers";
import type { ApiEnv } from "../env.ts";
import { serviceLogger } from "../logging/index.ts";
import { redriveOutbox } from "../outbox/index.ts";
import { migrateLedger } from "./migrate.ts";
import { type ProgramArgs, type ProgramName, type ProgramResult, programs } from "./programs.ts";
import { type RetentionPolicy, retentionPolicy, SWEEP_INTERVAL_MS, sweepLedger } from "./retention.ts";
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
  /** When the alarm is set (epoch ms), null when none, undefined until read (kept in memory; the alarm itself is durable). */
  #alarmAt: number | null | undefined;
  /** When the next retention sweep is planned, null when the ledger holds nothing sweepable, undefined until known. */
  #sweepAt: number | null | undefined;
  #policy: RetentionPolicy | undefined;

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
      return this.#stamped({ ok: true, value: result });
    } catch (error) {
      return failedAnswer(error);
    }
  }

  /** Statements in one transaction, as D1's batch: all of them or none. */
  async batch(statements: WireStatement[]): Promise<LedgerAnswer<D1Result<Record<string, unknown>>[]>> {
    try {
      const results = await this.#db.batch(statements.map((s) => this.#db.prepare(s.sql).bind(...s.params)));
      if (results.some((r) => r.meta.changed_db)) await this.#keepAlarm();
      return this.#stamped({ ok: true, value: results });
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
      return this.#stamped({ ok: true, value });
    } catch (error) {
      return failedAnswer(error);
    }
  }

  /** The answer with the generation it leaves the ledger at (view.ts), for the caller's caches. */
  #stamped<T>(answer: LedgerAnswer<T>): LedgerAnswer<T> {
    const row = this.#db.sql.exec<{ n: number }>("SELECT n FROM ledger_generation WHERE id = 1").toArray()[0];
    return row ? { ...answer, generation: row.n } : answer;
  }

  /**
   * Sends the events still unsent after the re-drive delay, then sweeps what is past its retention
   * (retention.ts); set again while events remain unsent or the ledger holds anything sweepable.
   */
  override async alarm(): Promise<void> {
    // the alarm that fired is spent: #armAlarm sets the next one
    this.#alarmAt = null;
    const log = serviceLogger("tenant-ledger", this.env.LOG_LEVEL);
    await redriveOutbox(this.#db.asD1() as TenantDb, this.env, log.child({ job: "outbox-redrive" }), {
      olderThanSeconds: redriveAfterSeconds(this.env),
    });
    this.#policy ??= retentionPolicy(this.env, log);
    const swept = sweepLedger(this.#db.sql, this.#policy);
    if (Object.keys(swept.deleted).length > 0)
      log.child({ job: "retention-sweep" }).info({ deleted: swept.deleted, more: swept.more }, "swept expired rows");
    this.#sweepAt = swept.nextAt;
    await this.#armAlarm();
  }

  /**
   * After every write: the write may have added history, so a sweep is wanted within SWEEP_INTERVAL_MS
   * unless one is already planned (never postponed, so a busy ledger still sweeps); then the alarm.
   */
  async #keepAlarm(): Promise<void> {
    if (this.#alarmAt === undefined) this.#alarmAt = await this.ctx.storage.getAlarm();
    // an object that just woke does not know what its alarm was for: it sweeps whenever that fires
    this.#sweepAt ??= this.#alarmAt ?? Date.now() + SWEEP_INTERVAL_MS;
    await this.#armAlarm();
  }

  /**
   * One alarm serves both: at the re-drive delay while the outbox has unsent events (never later than
   * an alarm already set), else at the planned sweep, and none when neither is wanted. Only ever moved
   * earlier between firings, so a busy ledger sets it about once per re-drive delay, not per event.
   */
  async #armAlarm(): Promise<void> {
    const unsent = this.#db.sql.exec("SELECT 1 FROM outbox WHERE sent_at IS NULL LIMIT 1").toArray().length > 0;
    if (this.#alarmAt === undefined) this.#alarmAt = await this.ctx.storage.getAlarm();
    const redriveAt = Date.now() + redriveAfterSeconds(this.env) * 1000;
    const wanted = unsent
      ? this.#alarmAt !== null && this.#alarmAt <= redriveAt
        ? this.#alarmAt
        : Math.min(redriveAt, this.#sweepAt ?? redriveAt)
      : // an alarm already set stays, though nothing is unsent now: it fires early and finds little to do,
        // where moving it back would cost a storage write per event sent
        (this.#alarmAt ?? this.#sweepAt ?? null);
    if (wanted === this.#alarmAt) return;
    if (wanted === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(wanted);
    this.#alarmAt = wanted;
  }
}
