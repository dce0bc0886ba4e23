/**
 * The plugin calls a Worker isolate made, written to their tenants' ledgers in one program call per
 * tenant per flush instead of one write per call: a before-hook chain of five plugins, or a consumer
 * batch of a hundred deliveries, costs its ledger one write for all of its accounting. A flush starts
 * FLUSH_AFTER_MS after the first call it takes (under the waitUntil of the request or batch that made
 * that call), so health lags a call by that much at most; a record lost with an isolate that died in
 * those milliseconds is accounting, never a delivery or an event.
 */
import type { ApiEnv } from "../env.ts";
import { runLedger } from "../ledger/index.ts";
import type { Logger } from "../logging/index.ts";
import type { CallRecord } from "./accounting.ts";

export const FLUSH_AFTER_MS = 25;
/** A busy isolate flushes early rather than hold more than this many records for one tenant. */
const MAX_PENDING = 200;

interface Flusher {
  env: Pick<ApiEnv, "LEDGER">;
  waitUntil(promise: Promise<unknown>): void;
  log: Logger;
}

const pending = new Map<string, CallRecord[]>();
let scheduled = false;

async function flushTenant(deps: Flusher, tenantId: string): Promise<void> {
  const calls = pending.get(tenantId);
  if (!calls || calls.length === 0) return;
  pending.delete(tenantId);
  try {
    await runLedger(deps.env, tenantId, "recordCalls", calls);
  } catch (error) {
    deps.log.error({ err: error, tenant: tenantId, calls: calls.length }, "could not record plugin calls");
  }
}

/** Writes every pending record now (a test, or a consumer batch about to end). */
export async function flushCallLog(deps: Flusher): Promise<void> {
  await Promise.all([...pending.keys()].map((tenantId) => flushTenant(deps, tenantId)));
}

/** Takes a call's record for the next flush of its tenant's ledger. */
export function logCall(deps: Flusher, call: CallRecord): void {
  const calls = pending.get(call.tenantId) ?? [];
  calls.push(call);
  pending.set(call.tenantId, calls);
  if (calls.length >= MAX_PENDING) {
    deps.waitUntil(flushTenant(deps, call.tenantId));
    return;
  }
  if (scheduled) return;
  scheduled = true;
  deps.waitUntil(
    new Promise((resolve) => setTimeout(resolve, FLUSH_AFTER_MS)).then(async () => {
      scheduled = false;
      await flushCallLog(deps);
    }),
  );
}
