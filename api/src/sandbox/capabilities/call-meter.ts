/**
 * The call meter: per-call counters of one plugin for one tenant, held in memory by that plugin's
 * Durable Object (the one its db lives in, database.ts), so every capability and egress-gate
 * invocation of a call reaches the same counters whichever isolate of the API or consumer Worker
 * runs it: a Durable Object exists once in the world and runs one call at a time. Production
 * promises nothing about which isolate serves a loopback entrypoint, so counters in a capability's
 * module memory would split a call's count across isolates.
 *
 * Refusals and drops are written to D1 (`plugin_quota_hits`) as totals per (call, quota), the first
 * at once and later ones batched, so health shows a flood while it lasts. Counters live as long as
 * the call may (its expiry), then are swept; they are not durable: an evicted object forgets a call
 * that has ended anyway (the object stays in memory while it is called).
 *
 * The one count across calls, events per minute, must outlive an eviction, so it is kept in the
 * object's storage: its key-value API, which a SQLite-backed object stores in a table of the same
 * database (`_cf_KV`) that SQL cannot name. A table of our own beside the plugin's would be open to
 * the plugin's own `context.db` (it runs any SQL in this database), which could delete its count.
 */
import type { TenantDb } from "../../ledger/tenant-db.ts";
import { serviceLogger } from "../../logging/index.ts";
import { type QuotaName, quotaRule } from "../quotas.ts";
import type { CapabilityProps, MeteredCall } from "./props.ts";

interface Counters {
  owner: CapabilityProps;
  expiresAt: number;
  events: number;
  logLines: number;
  logBytes: number;
}

interface OpenCall {
  owner: CapabilityProps;
  id: string;
  expiresAt: number;
  limit: number;
  used: number;
}

interface Hit {
  owner: CapabilityProps;
  callId: string;
  quota: QuotaName;
  at: string;
  refused: number;
  droppedBytes: number;
}

/**
 * The plugin's events of the current minute: a fixed window that opens at the first event after the
 * last one closed. Fixed, so a plugin may emit up to twice the quota across a window's edge; opened by
 * an event rather than at the epoch minute, so the first burst after a quiet spell is never cut short
 * by a minute's edge that happens to fall inside it.
 */
export interface EventsWindow {
  /** When the window opened (ms since the epoch); it closes EVENTS_WINDOW_MS later. */
  start: number;
  /** Events accepted in it. */
  count: number;
}
export const EVENTS_WINDOW_KEY = "meter/events_per_minute";
export const EVENTS_WINDOW_MS = 60_000;

/** What the meter needs of its object's storage: the synchronous key-value API (`ctx.storage.kv`). */
export type MeterStorage = Pick<SyncKvStorage, "get" | "put">;

/** What a call may still log, granted in leases so the log capability does not ask once per line. */
export interface LogLease {
  lines: number;
  bytes: number;
}

/** The outcome of charging one operation: allowed, or refused with the rule it broke. */
export type Charge = { ok: true } | { ok: false; code: "QUOTA_EXCEEDED" | "CALL_ENDED"; message: string };

const FLUSH_AFTER_MS = 50;
const SWEEP_EVERY_MS = 5_000;

export class CallMeter {
  readonly #calls = new Map<string, Counters>();
  readonly #open = new Map<string, OpenCall>();
  readonly #hits = new Map<string, Hit>();
  #flushing: ReturnType<typeof setTimeout> | undefined;
  #nextSweep = 0;

  constructor(
    /** The object's own storage, where the count per minute survives the object's eviction. */
    private readonly storage: MeterStorage,
    /** The tenant's ledger, where the hits are written (one object meters one tenant's plugin). */
    private readonly dbOf: (tenantId: string) => TenantDb,
    private readonly logLevel: string | undefined,
  ) {}

  /**
   * One event emitted or tracked by the call: refused past the call's events_per_call, or past the
   * plugin's events_per_minute across all its calls. A refused event counts against neither.
   */
  chargeEvent(owner: CapabilityProps, call: MeteredCall): Charge {
    const counters = this.#counters(owner, call);
    if (!counters) return ended(owner);
    const perCall = call.quotas.events_per_call;
    if (counters.events >= perCall) {
      this.#hit(owner, call.id, "events_per_call", 1, 0);
      return { ok: false, code: "QUOTA_EXCEEDED", message: quotaRule("events_per_call", perCall) };
    }
    const now = Date.now();
    const stored = this.storage.get<EventsWindow>(EVENTS_WINDOW_KEY);
    const window = stored && now - stored.start < EVENTS_WINDOW_MS ? stored : { start: now, count: 0 };
    const perMinute = call.quotas.events_per_minute;
    if (window.count >= perMinute) {
      this.#hit(owner, call.id, "events_per_minute", 1, 0);
      const opens = Math.max(1, Math.ceil((window.start + EVENTS_WINDOW_MS - now) / 1000));
      return {
        ok: false,
        code: "QUOTA_EXCEEDED",
        message: `${quotaRule("events_per_minute", perMinute)}; the next minute opens in ${opens} s`,
      };
    }
    // one key, rewritten: a closed window is replaced by the next, so nothing old piles up
    this.storage.put<EventsWindow>(EVENTS_WINDOW_KEY, { start: window.start, count: window.count + 1 });
    counters.events++;
    return { ok: true };
  }

  /**
   * Grants up to `want` of what the call may still log; nothing once its lines or bytes are spent.
   * `unused` is what is left of the asker's last lease (lines left without bytes, or bytes without
   * lines): it goes back to the call first, so leasing costs the call nothing it did not log.
   */
  leaseLog(
    owner: CapabilityProps,
    call: MeteredCall,
    want: LogLease,
    unused: LogLease,
  ): LogLease & { spent: QuotaName | null } {
    const counters = this.#counters(owner, call);
    if (!counters) return { lines: 0, bytes: 0, spent: "log_lines_per_call" };
    counters.logLines = Math.max(0, counters.logLines - unused.lines);
    counters.logBytes = Math.max(0, counters.logBytes - unused.bytes);
    const lines = Math.max(0, Math.min(want.lines, call.quotas.log_lines_per_call - counters.logLines));
    const bytes = Math.max(0, Math.min(want.bytes, call.quotas.log_bytes_per_call - counters.logBytes));
    if (lines === 0) return { lines: 0, bytes: 0, spent: "log_lines_per_call" };
    if (bytes === 0) return { lines: 0, bytes: 0, spent: "log_bytes_per_call" };
    counters.logLines += lines;
    counters.logBytes += bytes;
    // a lease smaller than asked is the rest of the budget: the next request would get nothing
    const spent = bytes < want.bytes ? "log_bytes_per_call" : lines < want.lines ? "log_lines_per_call" : null;
    return { lines, bytes, spent };
  }

  /** Lines the log capability dropped, and their bytes: counted against whichever quota ran out. */
  dropLogs(owner: CapabilityProps, call: MeteredCall, dropped: { lines: number; bytes: number; quota: QuotaName }) {
    this.#hit(owner, call.id, dropped.quota, dropped.lines, dropped.bytes);
  }

  /**
   * The egress gate cannot tell a plugin's calls apart (the isolate's globalOutbound is bound once per
   * isolate), so invoke.ts opens each call of a plugin that may reach the network here, and closes it
   * after; a request is charged to the open call with budget left that was opened first. With one call
   * in flight that is exact; with several, no call is charged past its quota and the plugin never gets
   * more than their quotas together. A request with no open call (work left running after its call) is refused.
   */
  openCall(owner: CapabilityProps, call: MeteredCall): void {
    this.#sweep();
    this.#open.set(call.id, {
      owner,
      id: call.id,
      expiresAt: call.expiresAt,
      limit: call.quotas.requests_per_call,
      used: 0,
    });
  }

  closeCall(callId: string): void {
    this.#open.delete(callId);
  }

  /** One outbound request or connection through the gate. */
  chargeRequest(owner: CapabilityProps): Charge {
    const now = Date.now();
    let exhausted: OpenCall | undefined;
    for (const call of this.#open.values()) {
      if (call.expiresAt < now || call.owner.tenantId !== owner.tenantId || call.owner.slug !== owner.slug) continue;
      if (call.used < call.limit) {
        call.used++;
        return { ok: true };
      }
      exhausted ??= call;
    }
    if (!exhausted) {
      return {
        ok: false,
        code: "CALL_ENDED",
        message: `${owner.slug} made a request outside any call of it; requests are made while a call runs`,
      };
    }
    this.#hit(owner, exhausted.id, "requests_per_call", 1, 0);
    return { ok: false, code: "QUOTA_EXCEEDED", message: quotaRule("requests_per_call", exhausted.limit) };
  }

  #counters(owner: CapabilityProps, call: MeteredCall): Counters | null {
    this.#sweep();
    if (call.expiresAt < Date.now()) return null;
    let counters = this.#calls.get(call.id);
    if (!counters) {
      counters = { owner, expiresAt: call.expiresAt, events: 0, logLines: 0, logBytes: 0 };
      this.#calls.set(call.id, counters);
    }
    return counters;
  }

  #hit(owner: CapabilityProps, callId: string, quota: QuotaName, refused: number, droppedBytes: number): void {
    const key = `${callId}\u0000${quota}`;
    const hit = this.#hits.get(key);
    if (hit) {
      hit.refused += refused;
      hit.droppedBytes += droppedBytes;
    } else {
      this.#hits.set(key, { owner, callId, quota, at: new Date().toISOString(), refused, droppedBytes });
    }
    this.#flushing ??= setTimeout(() => {
      this.#flushing = undefined;
      this.#flush().catch((error: unknown) =>
        serviceLogger("plugin-meter", this.logLevel).error({ err: error }, "could not record quota hits"),
      );
    }, FLUSH_AFTER_MS);
  }

  /** Writes each (call, quota)'s totals so far; a later flush of the same pair overwrites them with larger ones. */
  async #flush(): Promise<void> {
    const all = [...this.#hits.values()];
    if (all.length === 0) return;
    for (const tenantId of new Set(all.map((h) => h.owner.tenantId))) {
      const db = this.dbOf(tenantId);
      const hits = all.filter((h) => h.owner.tenantId === tenantId);
      await db.batch(
        hits.map((h) =>
          db
            .prepare(
              `INSERT INTO plugin_quota_hits (tenant_id, slug, call_id, quota, at, refused, dropped_bytes)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (call_id, quota) DO UPDATE SET refused = excluded.refused, dropped_bytes = excluded.dropped_bytes`,
            )
            .bind(h.owner.tenantId, h.owner.slug, h.callId, h.quota, h.at, h.refused, h.droppedBytes),
        ),
      );
    }
    // a hit stays (with its totals) while its call may still add to it; an ended call's goes
    const live = new Set([...this.#calls.keys(), ...this.#open.keys()]);
    for (const [key, hit] of this.#hits) if (!live.has(hit.callId)) this.#hits.delete(key);
  }

  #sweep(): void {
    const now = Date.now();
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + SWEEP_EVERY_MS;
    for (const [id, c] of this.#calls) if (c.expiresAt < now) this.#calls.delete(id);
    for (const [id, c] of this.#open) if (c.expiresAt < now) this.#open.delete(id);
  }
}

const ended = (owner: CapabilityProps): Charge => ({
  ok: false,
  code: "CALL_ENDED",
  message: `the call of ${owner.slug} this capability was given to has ended; use the context of the current call`,
});
