/**
 * Writes a Worker isolate defers and sends to each tenant's ledger together: records that need not be
 * in the ledger before the request or batch that made them answers (plugin-call accounting, an event's
 * "sent" mark). Group commit, without timers: a record goes out at once when nothing is being written
 * for its tenant, and records that arrive while a write is in flight go together in the next one. So an
 * idle tenant's record costs one call as before, and a busy one's cost one call per round trip, however
 * many there are. Only for records whose loss with a dying isolate costs nothing but accuracy:
 * accounting, or a mark whose absence means a harmless resend.
 */
import type { ApiEnv } from "../env.ts";
import type { Logger } from "../logging/index.ts";

export interface WriteBehindDeps {
  env: Pick<ApiEnv, "LEDGER">;
  waitUntil(promise: Promise<unknown>): void;
  log: Logger;
}

export interface WriteBehind<T> {
  /** Takes a record for its tenant's next write. */
  add(deps: WriteBehindDeps, tenantId: string, record: T): void;
  /** Resolves once every record taken so far is written (or its write failed and was logged). */
  flush(deps: WriteBehindDeps): Promise<void>;
}

/** A drain older than this is taken for dead (its request's context ended mid-write): another starts. */
const STALE_MS = 5_000;
/** Records per write at most: a program's arguments stay small. */
const MAX_PER_WRITE = 500;

export function writeBehind<T>(
  what: string,
  write: (env: WriteBehindDeps["env"], tenantId: string, records: T[]) => Promise<unknown>,
): WriteBehind<T> {
  const pending = new Map<string, T[]>();
  const draining = new Map<string, { done: Promise<void>; since: number }>();

  const drain = (deps: WriteBehindDeps, tenantId: string): Promise<void> => {
    const done = (async () => {
      for (;;) {
        const records = pending.get(tenantId) ?? [];
        if (records.length === 0) break;
        const batch = records.splice(0, MAX_PER_WRITE);
        if (records.length === 0) pending.delete(tenantId);
        try {
          await write(deps.env, tenantId, batch);
        } catch (error) {
          deps.log.error({ err: error, tenant: tenantId, records: batch.length }, `could not write ${what}`);
        }
      }
    })().finally(() => {
      if (draining.get(tenantId)?.done === done) draining.delete(tenantId);
    });
    draining.set(tenantId, { done, since: Date.now() });
    return done;
  };

  const running = (tenantId: string) => {
    const d = draining.get(tenantId);
    return d && Date.now() - d.since < STALE_MS ? d : null;
  };

  return {
    add(deps, tenantId, record) {
      const records = pending.get(tenantId) ?? [];
      records.push(record);
      pending.set(tenantId, records);
      if (!running(tenantId)) deps.waitUntil(drain(deps, tenantId));
    },
    async flush(deps) {
      const tenants = new Set([...pending.keys(), ...draining.keys()]);
      await Promise.all(
        [...tenants].map(async (tenantId) => {
          await running(tenantId)?.done;
          if (pending.get(tenantId)?.length) await drain(deps, tenantId);
        }),
      );
    },
  };
}
