/**
 * Writes a request or a consumer batch defers and sends to each tenant's ledger together: records that
 * need not be in the ledger before the work that made them answers (plugin-call accounting). Group
 * commit, without timers: a record goes out at once when nothing is being written for its tenant, and
 * records that arrive while a write is in flight go together in the next one. So a lone record costs
 * one call as before, and a batch's hundred cost one call per round trip. Only for records whose loss
 * with a dying isolate costs nothing but accuracy.
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
}

/** Records per write at most: a program's arguments stay small. */
const MAX_PER_WRITE = 500;

interface State<T> {
  pending: Map<string, T[]>;
  draining: Map<string, Promise<void>>;
}

export function writeBehind<T>(
  what: string,
  write: (env: WriteBehindDeps["env"], tenantId: string, records: T[]) => Promise<unknown>,
): WriteBehind<T> {
  // per request or batch (its deps), never shared across them: a write started under a context that
  // has ended may never settle, and nothing of another context may wait on it
  const states = new WeakMap<WriteBehindDeps, State<T>>();
  const stateOf = (deps: WriteBehindDeps) => {
    let state = states.get(deps);
    if (!state) {
      state = { pending: new Map(), draining: new Map() };
      states.set(deps, state);
    }
    return state;
  };

  const drain = (deps: WriteBehindDeps, state: State<T>, tenantId: string): Promise<void> => {
    const done = (async () => {
      for (;;) {
        const records = state.pending.get(tenantId) ?? [];
        if (records.length === 0) break;
        const batch = records.splice(0, MAX_PER_WRITE);
        if (records.length === 0) state.pending.delete(tenantId);
        try {
          await write(deps.env, tenantId, batch);
        } catch (error) {
          deps.log.error({ err: error, tenant: tenantId, records: batch.length }, `could not write ${what}`);
        }
      }
    })().finally(() => {
      if (state.draining.get(tenantId) === done) state.draining.delete(tenantId);
    });
    state.draining.set(tenantId, done);
    return done;
  };

  return {
    add(deps, tenantId, record) {
      const state = stateOf(deps);
      const records = state.pending.get(tenantId) ?? [];
      records.push(record);
      state.pending.set(tenantId, records);
      if (!state.draining.has(tenantId)) deps.waitUntil(drain(deps, state, tenantId));
    },
  };
}
