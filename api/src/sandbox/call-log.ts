/**
 * The plugin calls of work that keeps no journal of its own (an analytics batch, an admin route's
 * widget, a plugin calling a dependency's service), written to their tenants' ledgers together
 * (ledger/write-behind.ts): one write per round trip, not one per call. A request with a journal
 * (hooks/journal.ts) writes its calls with its commit, and a hook-events wave with its outcomes.
 * Health lags a call by a round trip at most.
 */
import { runLedger } from "../ledger/index.ts";
import { type WriteBehindDeps, writeBehind } from "../ledger/write-behind.ts";
import type { CallRecord } from "./accounting.ts";

const log = writeBehind<CallRecord>("plugin calls", (env, tenantId, calls) =>
  runLedger(env, tenantId, "recordCalls", calls),
);

/** Takes a call's record for the next flush of its tenant's ledger. */
export function logCall(deps: WriteBehindDeps, call: CallRecord): void {
  log.add(deps, call.tenantId, call);
}
