/**
 * @module Dev-only counts of the round trips a Worker makes to D1 and to the tenants' ledgers, for
 * `npm run bench`'s "D1 queries per delivered event" and "ledger calls per delivery" (issue 12).
 *
 * Off unless the Worker's var `BENCH_COUNT_QUERIES` is "true" (the bench sets it in its own
 * `wrangler dev` run; no config in this repository does): off, an entry pays one string comparison
 * and nothing is wrapped. On, the first invocation replaces `env.DB` and `env.LEDGER` in place with
 * counting wrappers. In place because workerd hands every request of an isolate, and every
 * capability entrypoint a plugin calls (`this.env`), the same env object: their queries count too,
 * which a wrapped copy passed down from the entry would miss.
 *
 * Counts are per isolate, cumulative. Each isolate writes its own to KV (`CACHE`, key
 * `__dev/query-counts/<worker>/<isolate>`) at most every 250 ms after an invocation, so the API
 * Worker's `GET /api/__dev/query-counts` can sum both Workers' (the consumers serve no HTTP).
 */

export interface QueryCounts {
  /** D1 round trips: a statement run on its own, a `batch()`, an `exec()`. */
  d1_queries: number;
  /** D1 statements, those inside batches included. */
  d1_statements: number;
  /** Calls to a tenant ledger's stub (`query`, `batch`, `run`, ...). */
  ledger_calls: number;
  /** The same, by method. */
  ledger_methods: Record<string, number>;
}

interface CountedEnv {
  DB: D1Database;
  /** The tenant ledgers' namespace (typed loosely: each Worker's is a DurableObjectNamespace of its own class). */
  LEDGER?: unknown;
  CACHE: KVNamespace;
  BENCH_COUNT_QUERIES?: string;
}

// under /api/: wrangler.toml serves every other path from the dashboard's assets, never reaching the Worker
export const QUERY_COUNTS_PATH = "/api/__dev/query-counts";
const KEY_PREFIX = "__dev/query-counts/";
const FLUSH_AFTER_MS = 250;
const FLUSH_LOST_AFTER_MS = 1_000;

const emptyCounts = (): QueryCounts => ({ d1_queries: 0, d1_statements: 0, ledger_calls: 0, ledger_methods: {} });

// made at the first flush: workerd refuses random values in a module's global scope
let isolate: string | undefined;
const isolateId = () => {
  isolate ??= crypto.randomUUID();
  return isolate;
};
const counts = emptyCounts();
const instrumented = new WeakSet<object>();
// epoch ms at which the flush an invocation scheduled runs; 0 when none is scheduled
let flushDue = 0;

/** This isolate's counts so far (a copy). */
export function queryCounts(): QueryCounts {
  return { ...counts, ledger_methods: { ...counts.ledger_methods } };
}

/** Whether counting is on for this env: the var, exactly "true". */
export const countingEnabled = (env: { BENCH_COUNT_QUERIES?: string }) => env.BENCH_COUNT_QUERIES === "true";

const STATEMENT_RUNS = new Set(["first", "all", "run", "raw"]);

function countedStatement(statement: D1PreparedStatement, originals: WeakMap<object, D1PreparedStatement>) {
  const wrapped: D1PreparedStatement = new Proxy(statement, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (property === "bind") return (...values: unknown[]) => countedStatement(target.bind(...values), originals);
      if (typeof property === "string" && STATEMENT_RUNS.has(property)) {
        return (...args: unknown[]) => {
          counts.d1_queries += 1;
          counts.d1_statements += 1;
          return Reflect.apply(value, target, args);
        };
      }
      return value.bind(target);
    },
  });
  originals.set(wrapped, statement);
  return wrapped;
}

function countedDatabase(db: D1Database): D1Database {
  // batch() takes the binding's own statements: each wrapper is mapped back to the one it wraps
  const originals = new WeakMap<object, D1PreparedStatement>();
  return new Proxy(db, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (property === "prepare") return (sql: string) => countedStatement(target.prepare(sql), originals);
      if (property === "batch") {
        return (statements: D1PreparedStatement[]) => {
          counts.d1_queries += 1;
          counts.d1_statements += statements.length;
          return target.batch(statements.map((s) => originals.get(s) ?? s));
        };
      }
      if (property === "exec") {
        return (sql: string) => {
          counts.d1_queries += 1;
          counts.d1_statements += 1;
          return target.exec(sql);
        };
      }
      return value.bind(target);
    },
  });
}

function countedStub(stub: DurableObjectStub): DurableObjectStub {
  return new Proxy(stub, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      // an RPC stub answers every name with a callable; `then` must stay what it is, or awaiting a stub breaks
      if (typeof value !== "function" || typeof property !== "string" || property === "then") return value;
      return (...args: unknown[]) => {
        counts.ledger_calls += 1;
        counts.ledger_methods[property] = (counts.ledger_methods[property] ?? 0) + 1;
        return Reflect.apply(value, target, args);
      };
    },
  });
}

function countedNamespace(namespace: DurableObjectNamespace): DurableObjectNamespace {
  return new Proxy(namespace, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (property === "get" || property === "getByName")
        return (...args: unknown[]) => countedStub(Reflect.apply(value, target, args));
      return value.bind(target);
    },
  });
}

/**
 * Counts this env's D1 and ledger round trips from now on, when `BENCH_COUNT_QUERIES` is "true";
 * otherwise leaves it untouched. Idempotent per env object. Returns whether counting is on.
 *
 * @example
 * countQueriesOf(env); // at a Worker's entry, before the handler sees env
 */
export function countQueriesOf(env: CountedEnv): boolean {
  if (!countingEnabled(env)) return false;
  if (instrumented.has(env)) return true;
  instrumented.add(env);
  env.DB = countedDatabase(env.DB);
  if (env.LEDGER) env.LEDGER = countedNamespace(env.LEDGER as DurableObjectNamespace);
  return true;
}

const keyOf = (worker: string, id: string) => `${KEY_PREFIX}${worker}/${id}`;

/**
 * Writes this isolate's counts to KV soon, in this invocation's own waitUntil: one write per 250 ms
 * however many invocations end. Never a promise shared between invocations: workerd cancels a
 * request left waiting on another request's I/O as hung.
 */
function flushSoon(env: CountedEnv, worker: string, ctx: ExecutionContext) {
  const now = Date.now();
  // one is on its way; or its invocation was cancelled before it ran, and a second later another is made
  if (flushDue !== 0 && now < flushDue + FLUSH_LOST_AFTER_MS) return;
  flushDue = now + FLUSH_AFTER_MS;
  ctx.waitUntil(
    new Promise((resolve) => setTimeout(resolve, FLUSH_AFTER_MS)).then(() => {
      flushDue = 0;
      return env.CACHE.put(keyOf(worker, isolateId()), JSON.stringify(queryCounts()));
    }),
  );
}

function add(into: QueryCounts, from: QueryCounts) {
  into.d1_queries += from.d1_queries;
  into.d1_statements += from.d1_statements;
  into.ledger_calls += from.ledger_calls;
  for (const [method, n] of Object.entries(from.ledger_methods))
    into.ledger_methods[method] = (into.ledger_methods[method] ?? 0) + n;
}

/** Every isolate's counts, summed per Worker; this isolate's are live, the others' as last written. */
export async function collectQueryCounts(
  env: CountedEnv,
  worker: string,
): Promise<{ workers: Record<string, QueryCounts>; isolates: number }> {
  const workers: Record<string, QueryCounts> = { [worker]: queryCounts() };
  let isolates = 1;
  let cursor: string | undefined;
  do {
    const page = await env.CACHE.list({ prefix: KEY_PREFIX, ...(cursor ? { cursor } : {}) });
    for (const { name } of page.keys) {
      const [owner = "", id] = name.slice(KEY_PREFIX.length).split("/");
      if (owner === worker && id === isolateId()) continue;
      const stored = await env.CACHE.get<QueryCounts>(name, "json");
      if (!stored) continue;
      workers[owner] ??= emptyCounts();
      add(workers[owner], stored);
      isolates += 1;
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return { workers, isolates };
}

type Handler<E> = ExportedHandler<E, unknown>;

/**
 * A Worker's handlers with counting wired in at each entry: `fetch`, `queue` and `scheduled` count
 * their env's round trips when `BENCH_COUNT_QUERIES` is "true", and `fetch` then answers
 * `GET /api/__dev/query-counts` with every isolate's counts per Worker. With the var unset the
 * handlers run as given.
 *
 * @example
 * export default withQueryCounts("commerce-api", { fetch: app.fetch } satisfies ExportedHandler<ApiEnv>);
 */
export function withQueryCounts<E extends CountedEnv, H extends Handler<E>>(
  worker: string,
  handler: H & Handler<E>,
): H {
  const wrapped: Handler<E> = { ...handler };
  const { fetch, queue, scheduled } = handler;
  if (fetch) {
    wrapped.fetch = async (request, env, ctx) => {
      if (!countQueriesOf(env)) return fetch(request, env, ctx);
      flushSoon(env, worker, ctx);
      if (new URL(request.url).pathname === QUERY_COUNTS_PATH)
        return Response.json(await collectQueryCounts(env, worker));
      return fetch(request, env, ctx);
    };
  }
  if (queue) {
    wrapped.queue = async (batch, env, ctx) => {
      if (!countQueriesOf(env)) return queue(batch, env, ctx);
      try {
        return await queue(batch, env, ctx);
      } finally {
        flushSoon(env, worker, ctx);
      }
    };
  }
  if (scheduled) {
    wrapped.scheduled = async (controller, env, ctx) => {
      if (countQueriesOf(env)) flushSoon(env, worker, ctx);
      return scheduled(controller, env, ctx);
    };
  }
  // the same handlers (those it was given, no others), each taking the same arguments
  return wrapped as H;
}
