/**
 * Gives a request a trace id (answered as X-Trace-Id): its before-hook steps and its events' deliveries
 * are found by it. And a journal (hooks/journal.ts) for what it records about its own work.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import type { HookRun } from "../hooks/index.ts";
import { RunJournal } from "../hooks/journal.ts";
import { ledgerDb, type TenantDb } from "../ledger/index.ts";
import { sandboxDepsOf } from "./sandbox-deps.ts";

export const traceContext = createMiddleware<AppEnv>(async (c, next) => {
  const traceId = `tr_${crypto.randomUUID().replaceAll("-", "")}`;
  c.set("traceId", traceId);
  c.set("log", c.get("log").child({ trace_id: traceId }));
  c.header("x-trace-id", traceId);
  const journal = new RunJournal();
  c.set("journal", journal);
  try {
    await next();
  } finally {
    // what no commit of the request took: a vetoed chain's trace, a read-only route's plugin calls
    c.executionCtx.waitUntil(journal.flush(c.env, c.get("log")));
  }
});

/** The HookRun of an authenticated request: its tenant, its trace id, the sandbox and the tenant's ledger. */
export function hookRunOf(c: Context<AppEnv>): HookRun {
  const { tenantId } = c.get("principal");
  return {
    tenantId,
    traceId: c.get("traceId"),
    deps: sandboxDepsOf(c),
    db: ledgerDb(c.env, tenantId),
    journal: c.get("journal"),
  };
}

/** The authenticated request's tenant's ledger. */
export function tenantDbOf(c: Context<AppEnv>): TenantDb {
  return ledgerDb(c.env, c.get("principal").tenantId);
}
