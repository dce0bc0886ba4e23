/**
 * The floors of issue 12's performance bars, measured inside workerd: what the local runtime itself
 * does per second with a queue, a Durable Object, D1 and the Worker Loader, with none of the
 * platform's code in the way (bench/floors.mjs drives it and prints the medians). The route that does
 * one write through the platform's own tenant ledger (`POST /ledger-write`) and a bare route are
 * measured from Node, through `wrangler dev`'s HTTP path, as the platform's routes are.
 *
 * Timings come from batches of calls: the runtime's clock is coarse and only advances at I/O.
 */
import { DurableObject } from "cloudflare:workers";
import { ledgerDb, type TenantLedger } from "../../api/src/ledger/index.ts";

export { TenantLedger } from "../../api/src/ledger/index.ts";

interface FloorsEnv {
  DB: D1Database;
  LEDGER: DurableObjectNamespace<TenantLedger>;
  FLOOR_OBJECT: DurableObjectNamespace<FloorObject>;
  FLOOR_QUEUE: Queue<FloorMessage>;
  LOADER: WorkerLoader;
}

/** A queue message: which run it belongs to, and what the consumer does with it before acking. */
interface FloorMessage {
  run: string;
  /** "ack": nothing; "rpc": one no-op Durable Object RPC per message, `inflight` at a time. */
  work: "ack" | "rpc";
  inflight: number;
}

/** A bare SQLite-backed object: what one call costs with no program in it. */
export class FloorObject extends DurableObject<FloorsEnv> {
  #calls = 0;

  constructor(ctx: DurableObjectState, env: FloorsEnv) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT NOT NULL)");
  }

  noop(): number {
    this.#calls += 1;
    return this.#calls;
  }

  /** One row; the answer leaves once the write is durable (the output gate), as every ledger write's does. */
  write(v: string): void {
    this.ctx.storage.sql.exec("INSERT INTO rows (v) VALUES (?)", v);
  }

  /** `rows` rows in one transactionSync: the ledger's shape for a whole batch's outcomes. */
  writeMany(v: string, rows: number): void {
    this.ctx.storage.transactionSync(() => {
      for (let i = 0; i < rows; i++) this.ctx.storage.sql.exec("INSERT INTO rows (v) VALUES (?)", v);
    });
  }
}

// What the consumer acked, per run: the consumer runs in this isolate, so the run's fetch can wait on it.
const runs = new Map<string, { acked: number; lastAckAt: number }>();

const PING_MODULE = `import { WorkerEntrypoint } from "cloudflare:workers";
export default class extends WorkerEntrypoint { ping(n) { return n + 1; } }`;

const floorObject = (env: FloorsEnv) => env.FLOOR_OBJECT.get(env.FLOOR_OBJECT.idFromName("floor"));

/** Runs `call(i)` for i in [0, n), `inflight` at a time; the seconds it took. */
async function timed(n: number, inflight: number, call: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: inflight }, async () => {
      while (next < n) await call(next++);
    }),
  );
  return (Date.now() - started) / 1000;
}

/** A positive integer query parameter, or the default; a bad one names itself. */
function count(url: URL, name: string, fallback: number, max = 1_000_000): number {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new RangeError(`${name} must be an integer in 1..${max}, got ${raw}`);
  return n;
}

async function queueFloor(env: FloorsEnv, url: URL): Promise<Record<string, number>> {
  const messages = count(url, "messages", 10_000);
  const work = url.searchParams.get("work") === "rpc" ? "rpc" : "ack";
  const inflight = count(url, "inflight", 1, 100);
  const run = crypto.randomUUID();
  const state = { acked: 0, lastAckAt: 0 };
  runs.set(run, state);
  const started = Date.now();
  // sendBatch takes at most 100 messages
  for (let sent = 0; sent < messages; sent += 100) {
    const size = Math.min(100, messages - sent);
    await env.FLOOR_QUEUE.sendBatch(Array.from({ length: size }, () => ({ body: { run, work, inflight } })));
  }
  const deadline = Date.now() + 120_000;
  while (state.acked < messages && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  runs.delete(run);
  if (state.acked < messages) throw new Error(`the consumer acked ${state.acked} of ${messages} messages within 120 s`);
  const seconds = (state.lastAckAt - started) / 1000;
  return { messages, seconds, per_second: messages / seconds };
}

async function objectFloor(env: FloorsEnv, url: URL): Promise<Record<string, number>> {
  const op = url.searchParams.get("op");
  const calls = count(url, "calls", 1000);
  const inflight = count(url, "inflight", 1, 100);
  const stub = floorObject(env);
  await stub.noop(); // the object awake, its table made
  if (op === "noop") {
    const seconds = await timed(calls, inflight, () => stub.noop());
    return { calls, seconds, per_second: calls / seconds };
  }
  if (op === "write") {
    const seconds = await timed(calls, inflight, (i) => stub.write(`row-${i}`));
    return { calls, rows: calls, seconds, per_second: calls / seconds };
  }
  if (op === "transaction") {
    const rows = count(url, "rows", 100, 10_000);
    const seconds = await timed(calls, inflight, (i) => stub.writeMany(`row-${i}`, rows));
    return { calls, rows: calls * rows, seconds, per_second: (calls * rows) / seconds };
  }
  throw new RangeError(`op must be noop, write or transaction, got ${op}`);
}

async function d1Floor(env: FloorsEnv, url: URL): Promise<Record<string, number>> {
  const op = url.searchParams.get("op");
  const rows = count(url, "rows", 500);
  await env.DB.exec("CREATE TABLE IF NOT EXISTS floor_rows (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT NOT NULL)");
  const insert = env.DB.prepare("INSERT INTO floor_rows (v) VALUES (?)");
  if (op === "single") {
    const seconds = await timed(rows, 1, (i) => insert.bind(`row-${i}`).run());
    return { rows, seconds, per_second: rows / seconds };
  }
  if (op === "batch") {
    const size = count(url, "batch", 100, 1000);
    const seconds = await timed(Math.ceil(rows / size), 1, (b) =>
      env.DB.batch(Array.from({ length: Math.min(size, rows - b * size) }, (_, i) => insert.bind(`row-${b}-${i}`))),
    );
    return { rows, seconds, per_second: rows / seconds };
  }
  throw new RangeError(`op must be single or batch, got ${op}`);
}

async function loaderFloor(env: FloorsEnv, url: URL): Promise<Record<string, number>> {
  const calls = count(url, "calls", 2000);
  const inflight = count(url, "inflight", 1, 100);
  const worker = env.LOADER.get("bench-floor-ping", () => ({
    compatibilityDate: "2026-11-01",
    mainModule: "ping.js",
    modules: { "ping.js": PING_MODULE },
    globalOutbound: null,
  }));
  const ping = worker.getEntrypoint() as unknown as { ping(n: number): Promise<number> };
  if ((await ping.ping(1)) !== 2) throw new Error("the loaded isolate did not answer ping(1) with 2");
  const seconds = await timed(calls, inflight, (i) => ping.ping(i));
  return { calls, seconds, per_second: calls / seconds, ms_per_call: (seconds * 1000) / calls };
}

/** One product row through the platform's ledger client: one `query` RPC to the tenant's TenantLedger. */
async function ledgerWrite(env: FloorsEnv): Promise<Response> {
  const id = `prod_${crypto.randomUUID().replaceAll("-", "")}`;
  const now = new Date().toISOString();
  await ledgerDb(env, "tenant_bench_floor")
    .prepare(
      "INSERT INTO products (id, tenant_id, title, price, currency, metadata, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id, "tenant_bench_floor", "Mug", 1200, "USD", "{}", now, now)
    .run();
  return Response.json({ id }, { status: 201 });
}

const measures: Record<string, (env: FloorsEnv, url: URL) => Promise<Record<string, number>>> = {
  "/queue": queueFloor,
  "/object": objectFloor,
  "/d1": d1Floor,
  "/loader": loaderFloor,
};

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/bare") return new Response("ok");
    if (url.pathname === "/ledger-write" && request.method === "POST") return ledgerWrite(env);
    const measure = measures[url.pathname];
    if (!measure) return new Response("not found", { status: 404 });
    try {
      return Response.json(await measure(env, url));
    } catch (error) {
      return Response.json({ error: error instanceof Error ? error.message : String(error) }, { status: 400 });
    }
  },

  async queue(batch, env) {
    const [first] = batch.messages;
    if (first?.body.work === "rpc") {
      const stub = floorObject(env);
      const { messages } = batch;
      await timed(messages.length, first.body.inflight, () => stub.noop());
    }
    batch.ackAll();
    const at = Date.now();
    for (const message of batch.messages) {
      const state = runs.get(message.body.run);
      if (!state) continue;
      state.acked += 1;
      state.lastAckAt = at;
    }
  },
} satisfies ExportedHandler<FloorsEnv, FloorMessage>;
