/**
 * What a request records about its own work for its tenant's ledger: the accounting of the plugin calls
 * it made and the traces of its before-hook chains. They ride on the request's own commit (the product
 * it creates, the payment it records), so a request that hooks and writes costs the ledger one
 * transaction, not three; what no commit took (a vetoed chain, a read-only route) is written once when
 * the request ends. A commit that fails gives its records back, so a refused request is still traced.
 *
 * Why not a write per record, or a write-behind: each ledger transaction is a commit to disk, and on
 * the local runtime one commit blocks the process for about a third of a millisecond (measured in the
 * bench's sandbox breakdown: a call's accounting written on its own cost 0.30 ms of a 0.36 ms call).
 */

import type { ApiEnv } from "../env.ts";
import { ledgerDb, type TenantDb } from "../ledger/index.ts";
import type { Logger } from "../logging/index.ts";
import { type CallRecord, callInsert } from "../sandbox/accounting.ts";

interface Traced {
  tenantId: string;
  statement: D1PreparedStatement;
}

/** What one commit took: given back when the commit fails. */
export interface Ridden {
  calls: CallRecord[];
  traces: Traced[];
}

/** The tenant's items, removed from `items` in place (SandboxDeps.calls is the same array). */
function takeOut<T extends { tenantId: string }>(items: T[], tenantId: string): T[] {
  const taken = items.filter((item) => item.tenantId === tenantId);
  const kept = items.filter((item) => item.tenantId !== tenantId);
  items.splice(0, items.length, ...kept);
  return taken;
}

export class RunJournal {
  /** The sandbox's accounting goes here (SandboxDeps.calls) instead of a write of its own. */
  readonly calls: CallRecord[] = [];
  readonly #traces: Traced[] = [];

  /** A trace row of the tenant's ledger (hooks/trace.ts). */
  trace(tenantId: string, statement: D1PreparedStatement): void {
    this.#traces.push({ tenantId, statement });
  }

  /** The tenant's records, taken out for a commit of its ledger. */
  take(tenantId: string): Ridden {
    return { calls: takeOut(this.calls, tenantId), traces: takeOut(this.#traces, tenantId) };
  }

  /** What a failed commit took, back for the end of the request. */
  giveBack(ridden: Ridden): void {
    this.calls.push(...ridden.calls);
    this.#traces.push(...ridden.traces);
  }

  /** The records as statements of one ledger batch (the calls in `db`'s tenant's ledger). */
  static statements(db: TenantDb, ridden: Ridden): D1PreparedStatement[] {
    return [...ridden.traces.map((t) => t.statement), ...ridden.calls.map((call) => callInsert(db, call))];
  }

  /** Writes what no commit took, one ledger batch per tenant. */
  async flush(env: Pick<ApiEnv, "LEDGER">, log: Logger): Promise<void> {
    const tenants = new Set([...this.calls.map((c) => c.tenantId), ...this.#traces.map((t) => t.tenantId)]);
    await Promise.all(
      [...tenants].map(async (tenantId) => {
        const db = ledgerDb(env, tenantId);
        const ridden = this.take(tenantId);
        try {
          await db.batch(RunJournal.statements(db, ridden));
        } catch (error) {
          log.error(
            { err: error, tenant: tenantId, calls: ridden.calls.length, traces: ridden.traces.length },
            "could not record a request's plugin calls and traces",
          );
        }
      }),
    );
  }
}
