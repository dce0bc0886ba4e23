/**
 * The bench's round-trip counter (api/src/dev/query-counter.ts): off without BENCH_COUNT_QUERIES, and
 * on, exact about D1 statements, batches and tenant-ledger calls, readable through the API Worker.
 */
import { createExecutionContext, createMessageBatch, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  countQueriesOf,
  QUERY_COUNTS_PATH,
  type QueryCounts,
  queryCounts,
  withQueryCounts,
} from "../../api/src/dev/query-counter.ts";
import api from "../../api/src/index.ts";
import { ledgerDb, runLedger } from "../../api/src/ledger/index.ts";

/** A copy of the test env (its own object, so wrapping it leaves the shared one alone). */
const envWith = (vars: Record<string, string>) => ({ ...env, ...vars });

const since = (before: QueryCounts) => {
  const now = queryCounts();
  const methods = Object.fromEntries(
    Object.entries(now.ledger_methods)
      .map(([m, n]) => [m, n - (before.ledger_methods[m] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
  return {
    d1_queries: now.d1_queries - before.d1_queries,
    d1_statements: now.d1_statements - before.d1_statements,
    ledger_calls: now.ledger_calls - before.ledger_calls,
    ledger_methods: methods,
  };
};

describe("the bench's query counter", () => {
  it.each([
    ["unset", {}],
    ["not exactly true", { BENCH_COUNT_QUERIES: "1" }],
  ])("wraps nothing when BENCH_COUNT_QUERIES is %s", async (_, vars) => {
    const plain = envWith(vars);
    expect(countQueriesOf(plain)).toBe(false);
    expect(plain.DB).toBe(env.DB);
    expect(plain.LEDGER).toBe(env.LEDGER);
    const before = queryCounts();
    await plain.DB.prepare("SELECT 1").first();
    expect(since(before)).toEqual({ d1_queries: 0, d1_statements: 0, ledger_calls: 0, ledger_methods: {} });
  });

  it("counts a statement run alone as one round trip, a batch as one, and each ledger call by method", async () => {
    const counted = envWith({ BENCH_COUNT_QUERIES: "true" });
    expect(countQueriesOf(counted)).toBe(true);
    expect(countQueriesOf(counted)).toBe(true); // a second entry does not wrap twice
    expect(counted.DB).not.toBe(env.DB);
    const before = queryCounts();

    expect(await counted.DB.prepare("SELECT 1 AS one").first("one")).toBe(1);
    expect((await counted.DB.prepare("SELECT ? AS n").bind(7).all()).results).toEqual([{ n: 7 }]);
    const batched = await counted.DB.batch([
      counted.DB.prepare("SELECT 1 AS a"),
      counted.DB.prepare("SELECT ? AS b").bind(2),
      counted.DB.prepare("SELECT 3 AS c"),
    ]);
    expect(batched.map((r) => r.results[0])).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
    expect(await runLedger(counted, "tenant_counted", "schema", undefined as never)).not.toHaveLength(0);
    expect(await ledgerDb(counted, "tenant_counted").prepare("SELECT 4 AS d").first("d")).toBe(4);

    expect(since(before)).toEqual({
      d1_queries: 3,
      d1_statements: 5,
      ledger_calls: 2,
      ledger_methods: { run: 1, query: 1 },
    });
  });

  it("counts what every Worker entry runs, and the API Worker serves the counts only when the var is on", async () => {
    const counted = envWith({ BENCH_COUNT_QUERIES: "true" });
    const consumer = withQueryCounts("test-consumers", {
      async queue(_batch, e, _ctx) {
        await e.DB.prepare("SELECT 1").first();
      },
    } satisfies ExportedHandler<typeof counted>);
    const queueCtx = createExecutionContext();
    await consumer.queue?.(createMessageBatch("hook-events", []), counted, queueCtx);
    await waitOnExecutionContext(queueCtx); // the consumer's counts written to KV

    const ctx = createExecutionContext();
    const res = await api.fetch(new Request(`http://api.test${QUERY_COUNTS_PATH}`), counted, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { workers: Record<string, QueryCounts>; isolates: number };
    expect(body.workers["commerce-api"]?.d1_queries).toBeGreaterThan(0);
    expect(body.workers["test-consumers"]?.d1_queries).toBeGreaterThan(0);

    const off = await api.fetch(
      new Request(`http://api.test${QUERY_COUNTS_PATH}`),
      envWith({}),
      createExecutionContext(),
    );
    expect(off.status).toBe(404);
  });
});
