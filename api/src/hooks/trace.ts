/**
 * What a before-hook chain did, step by step: which plugin ran, in what order, for
 * how long, and whether it transformed, left, vetoed or failed the payload. Stored
 * per request trace id so the admin API can show it next to the after-hook deliveries.
 */

import { z } from "zod";
import { type ChainTrace, chainTraceSchema, type TraceStep, traceStepSchema } from "../admin/answers/index.ts";
import type { TenantDb } from "../ledger/tenant-db.ts";

// the chain's answer shape is the admin API's (admin/answers), shared with the CLI and the dashboard
export { type ChainTrace, chainTraceSchema, type TraceStep, traceStepSchema };

// chains of one request are numbered in the order they ran: counted per request (its journal) where
// there is one, since a request may build several runs
const sequence = new WeakMap<object, number>();

export function nextSeq(run: { journal?: object }): number {
  const key = run.journal ?? run;
  const seq = (sequence.get(key) ?? 0) + 1;
  sequence.set(key, seq);
  return seq;
}

/** The chain's row; a row already there is kept, since this statement may ride on a business write it must never fail. */
export function chainInsert(db: TenantDb, tenantId: string, seq: number, chain: ChainTrace): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO hook_traces (trace_id, seq, tenant_id, hook, outcome, duration_ms, steps) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (trace_id, seq) DO NOTHING`,
    )
    .bind(chain.trace_id, seq, tenantId, chain.hook, chain.outcome, chain.duration_ms, JSON.stringify(chain.steps));
}

export function recordChain(db: TenantDb, tenantId: string, seq: number, chain: ChainTrace): Promise<unknown> {
  return chainInsert(db, tenantId, seq, chain).run();
}

const traceRow = z.object({
  trace_id: z.string(),
  hook: z.string(),
  outcome: z.enum(["completed", "vetoed", "aborted"]),
  duration_ms: z.number(),
  steps: z.string(),
  created_at: z.string(),
});

/** The before-hook chains a request ran, in order. */
export async function chainsOfTrace(db: TenantDb, tenantId: string, traceId: string): Promise<ChainTrace[]> {
  const { results } = await db
    .prepare(
      `SELECT trace_id, hook, outcome, duration_ms, steps, created_at FROM hook_traces
        WHERE tenant_id = ? AND trace_id = ? ORDER BY seq`,
    )
    .bind(tenantId, traceId)
    .all();
  return results.map((raw) => {
    const row = traceRow.parse(raw);
    return { ...row, steps: z.array(traceStepSchema).parse(JSON.parse(row.steps)) };
  });
}
