/**
 * The plugin calls a request or an analytics batch made, written to their tenants' ledgers together
 * (ledger/write-behind.ts): a before-hook chain of five plugins costs its ledger one write per round
 * trip for all of its accounting, not one per call (a hook-events wave writes its calls' accounting with
 * its outcomes instead). Health lags a call by a round trip at most.
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
