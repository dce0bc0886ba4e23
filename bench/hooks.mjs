// The hook pipeline on the running platform: what a chain of 5 sandboxed before hooks adds to creating a
// product, and after hooks end to end, from the API accepting a product to every subscribed plugin's
// handler done, with the events lost on the way. The plugins are bench/plugins/, seeded only by the bench.
import { randomUUID } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pluginDirs, root } from "../scripts/lib/plugins.mjs";
import { newToken } from "../scripts/lib/seed.mjs";
import { latencyTable, median, percentile } from "./load.mjs";

/** The bench plugins, registered besides plugins/ (never by `npm run dev`). */
export const benchPluginDirs = pluginDirs("bench/plugins");

const CHAIN = ["bench-chain-1", "bench-chain-2", "bench-chain-3", "bench-chain-4", "bench-chain-5"];
const RECORDERS = ["bench-recorder-a", "bench-recorder-b"];

const tenant = (slug) => ({
  id: `tenant_${slug.replaceAll("-", "_")}`,
  slug,
  name: `Bench ${slug}`,
  token: newToken(),
});

/**
 * The tenants the hook benchmarks seed: `bare` has no plugins, `chain` the 5 before hooks, `flood`
 * alone and the `stores` together send the after-hook runs, each with both recorders.
 */
export function hookBenchTenants({ stores = 10 } = {}) {
  return {
    bare: tenant("bench-bare"),
    chain: tenant("bench-chain"),
    flood: tenant("bench-flood"),
    stores: Array.from({ length: stores }, (_, i) => tenant(`bench-store-${i + 1}`)),
  };
}

export const seededTenants = (t) => [t.bare, t.chain, t.flood, ...t.stores];

export function client(baseUrl, token) {
  return async (method, path, body) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
}

async function activate(call, slugs) {
  for (const slug of slugs) {
    for (const step of ["install", "activate"]) {
      const res = await call("POST", `/api/admin/plugins/${slug}/${step}`);
      if (res.status >= 300) throw new Error(`${step} ${slug}: ${res.status} ${JSON.stringify(res.body)}`);
    }
  }
}

export async function createProduct(call, metadata) {
  const body = { title: "Mug", price: 1200, currency: "USD", ...(metadata ? { metadata } : {}) };
  const res = await call("POST", "/api/commerce/products", body);
  if (res.status !== 201) throw new Error(`POST /api/commerce/products: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

const ms = (x) => `${x.toFixed(2)} ms`;
const signed = (x) => `${x >= 0 ? "+" : ""}${x.toFixed(2)} ms`;

/**
 * POST /api/commerce/products for a tenant with no plugins against one with 5 active plugins each
 * transforming the product in before_product_create: requests one at a time, the two tenants
 * interleaved so drift in the machine's load hits both alike.
 */
export async function beforeHookChain({ baseUrl, tenants, warmup = 50, requests = 300 }) {
  const bare = client(baseUrl, tenants.bare.token);
  const chain = client(baseUrl, tenants.chain.token);
  await activate(chain, CHAIN);
  // a chain that did not run would make the comparison meaningless
  const ran = (await createProduct(chain)).body.metadata.bench_chain;
  if (JSON.stringify(ran) !== JSON.stringify(CHAIN)) {
    throw new Error(`the 5 before hooks did not all run, in order: metadata.bench_chain is ${JSON.stringify(ran)}`);
  }
  const traceIds = [];
  const timed = async (call, traced) => {
    const started = performance.now();
    const res = await createProduct(call);
    const elapsed = performance.now() - started;
    if (traced) traceIds.push(res.headers.get("x-trace-id"));
    return elapsed;
  };
  for (let i = 0; i < warmup; i++) {
    await timed(bare, false);
    await timed(chain, false);
  }
  const none = [];
  const five = [];
  for (let i = 0; i < requests; i++) {
    // alternate which goes first, so neither always follows the other's background work
    if (i % 2 === 0) {
      none.push(await timed(bare, false));
      five.push(await timed(chain, true));
    } else {
      five.push(await timed(chain, true));
      none.push(await timed(bare, false));
    }
  }
  const rows = [
    { name: "no plugins", p50: median(none), p99: percentile(none, 99) },
    { name: "5 sandboxed before_product_create hooks", p50: median(five), p99: percentile(five, 99) },
  ];
  // the chain as the API Worker timed it, from the traces it recorded (a sample of the measured requests)
  const sample = traceIds.filter((_, i) => i % 10 === 0);
  const chains = [];
  const steps = [];
  for (const id of sample) {
    const res = await chain("GET", `/api/admin/traces/${id}`);
    const trace = res.body?.before_hooks?.[0];
    if (res.status !== 200 || !trace) throw new Error(`GET /api/admin/traces/${id}: ${res.status}`);
    chains.push(trace.duration_ms);
    steps.push(...trace.steps.map((s) => s.duration_ms));
  }
  const [n, f] = rows;
  console.log(
    `\nBefore-hook chain: POST /api/commerce/products, no plugins against 5 sandboxed before hooks (wrangler dev; sequential; ${requests} requests per case, interleaved, after ${warmup} warm-up each)`,
  );
  console.log(latencyTable(rows));
  console.log(
    `added by the chain: p50 ${signed(f.p50 - n.p50)} (${signed((f.p50 - n.p50) / CHAIN.length)} per hook), p99 ${signed(f.p99 - n.p99)}`,
  );
  console.log(`latency ratio 5 hooks/none: p50 ${(f.p50 / n.p50).toFixed(2)}, p99 ${(f.p99 / n.p99).toFixed(2)}`);
  console.log(
    `the chain as the API Worker times it (traces of ${sample.length} requests): median ${ms(median(chains))}, one sandboxed step median ${ms(median(steps))}`,
  );
  return { noPluginsP50: n.p50, chainP50: f.p50, perHookP50: (f.p50 - n.p50) / CHAIN.length };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the stores' recorders received in `run`: per store and recorder, counts and (with `rows`) handling times. */
async function received(baseUrl, stores, run, rows = false) {
  return Promise.all(
    stores.flatMap((store) =>
      RECORDERS.map(async (slug) => {
        const res = await client(baseUrl, store.token)(
          "GET",
          `/api/plugins/${slug}/received?run=${run}${rows ? "&rows=1" : ""}`,
        );
        if (res.status !== 200)
          throw new Error(`GET /api/plugins/${slug}/received: ${res.status} ${JSON.stringify(res.body)}`);
        return { store: store.slug, slug, ...res.body };
      }),
    ),
  );
}

/**
 * Polls until every recorder of every store received `expected(store)` products of `run`, or `deadline`
 * (epoch ms). Only stores still short are asked again, and less often the more there are: with 100
 * tenants a poll is 200 plugin calls, load on the very Workers being measured.
 */
async function untilReceived(baseUrl, stores, run, expected, deadline) {
  const last = new Map();
  let waiting = stores;
  for (;;) {
    for (const c of await received(baseUrl, waiting, run)) last.set(`${c.store}/${c.slug}`, c);
    waiting = waiting.filter((s) =>
      RECORDERS.some((slug) => last.get(`${s.slug}/${slug}`).products < expected(s.slug)),
    );
    if (waiting.length === 0 || Date.now() > deadline) return [...last.values()];
    await sleep(Math.min(2_000, 250 + 20 * waiting.length));
  }
}

/**
 * The D1 and ledger round trips both Workers made so far, per Worker (api/src/dev/query-counter.ts,
 * on in the bench's own `wrangler dev` through BENCH_COUNT_QUERIES); null when counting is off.
 */
export async function queryCounts(baseUrl) {
  const res = await fetch(`${baseUrl}/api/__dev/query-counts`);
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`GET /api/__dev/query-counts: ${res.status} ${await res.text()}`);
  return (await res.json()).workers;
}

const ZERO = { d1_queries: 0, d1_statements: 0, ledger_calls: 0 };

/** `to` less `from` for one Worker's counts. */
function countsBetween(from, to, worker) {
  const a = from?.[worker] ?? ZERO;
  const b = to?.[worker] ?? ZERO;
  return {
    d1_queries: b.d1_queries - a.d1_queries,
    d1_statements: b.d1_statements - a.d1_statements,
    ledger_calls: b.ledger_calls - a.ledger_calls,
  };
}

// consumers/wrangler.toml: the analytics queue waits up to 5 s for a batch; counts are written 250 ms after an invocation
const CONSUMERS_SETTLE_MS = 6_000;

// api/src/hooks/subscribers.ts: each Worker isolate caches a tenant's active plugins this long
const SUBSCRIBERS_TTL_MS = 2_000;

/** Recorders installed and active for each store. */
export async function withRecorders({ baseUrl, stores }) {
  for (const store of stores) await activate(client(baseUrl, store.token), RECORDERS);
  // The consumer caches a store's active plugins (looked up while fanning out its plugin_installed
  // event) and an activation in the API Worker does not reach that cache: until the entry expires,
  // a product's after_product_create is fanned out to no plugin at all. Not what this measures. The
  // entry is made when the consumer reaches the store's lifecycle events, later the more stores there
  // are queued before it (100 stores: about 400 events).
  await sleep(SUBSCRIBERS_TTL_MS + 500 + 50 * stores.length);
}

/**
 * `events` product creations spread round-robin over `stores`, `concurrency` requests in flight;
 * each fires after_product_create, delivered through the queues to both recorders of its store.
 * Times are wall-clock epoch ms: the client's when a request was sent or answered 201, the
 * recorder's (its isolate's clock, the same machine's) when its handler ran.
 */
export async function afterHooksEndToEnd({
  baseUrl,
  stores,
  events = 1000,
  concurrency = 8,
  label,
  timeoutMs = 600_000,
}) {
  // warm the isolates of both Workers and the recorders' databases, then wait for the queue to drain them
  const warm = `warm-${randomUUID()}`;
  for (const store of stores) {
    for (let i = 0; i < 2; i++) await createProduct(client(baseUrl, store.token), { bench_run: warm });
  }
  const warmed = await untilReceived(baseUrl, stores, warm, () => 2, Date.now() + 60_000);
  if (warmed.some((c) => c.products < 2)) {
    console.log(
      `  (warm-up: ${warmed.filter((c) => c.products < 2).map((c) => `${c.store}/${c.slug}`)} did not receive both warm-up events within 60 s)`,
    );
  }

  const run = `run-${randomUUID()}`;
  const countsBefore = await queryCounts(baseUrl);
  const perStore = new Map(stores.map((s) => [s.slug, 0]));
  const accepted = new Map(); // product id -> epoch ms of its 201
  let next = 0;
  const firstSent = Date.now();
  const sender = async () => {
    while (next < events) {
      const store = stores[next++ % stores.length];
      perStore.set(store.slug, perStore.get(store.slug) + 1);
      const res = await createProduct(client(baseUrl, store.token), { bench_run: run });
      accepted.set(res.body.id, Date.now());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  const lastAccepted = Math.max(...accepted.values());
  // the API Worker's share, before the polling below adds plugin calls of its own (and after the
  // outbox sends its requests finished in waitUntil)
  await sleep(300);
  const countsAccepted = countsBefore && (await queryCounts(baseUrl));
  await untilReceived(baseUrl, stores, run, (store) => perStore.get(store), lastAccepted + timeoutMs);
  if (countsBefore) await sleep(CONSUMERS_SETTLE_MS);
  const countsDone = countsBefore && (await queryCounts(baseUrl));

  const results = await received(baseUrl, stores, run, true);
  const handledAt = new Map(); // product id -> times its recorders ran
  for (const r of results) {
    for (const row of r.rows) handledAt.set(row.product_id, [...(handledAt.get(row.product_id) ?? []), row.handled_at]);
  }
  const latencies = [];
  let lastHandled = firstSent;
  for (const [id, at] of accepted) {
    const times = handledAt.get(id) ?? [];
    if (times.length < RECORDERS.length) continue;
    const done = Math.max(...times);
    lastHandled = Math.max(lastHandled, done);
    latencies.push(done - at);
  }
  const handled = latencies.length;
  const calls = results.reduce((sum, r) => sum + r.calls, 0);
  const deliveries = results.reduce((sum, r) => sum + r.products, 0);
  let deadLetters = 0;
  for (const store of stores) {
    const res = await client(baseUrl, store.token)("GET", "/api/admin/dead-letters?all=true");
    deadLetters += res.body.dead_letters.length;
  }
  const seconds = (from, to) => (to - from) / 1000;
  const throughput = handled / seconds(firstSent, lastHandled);
  console.log(
    `\nAfter hooks end to end: ${events} product creations over ${stores.length} tenant${stores.length > 1 ? "s" : ""}, after_product_create to ${RECORDERS.length} subscribed plugins each (wrangler dev; ${concurrency} concurrent requests; ${label})`,
  );
  console.log(
    `  API accepted ${accepted.size} in ${seconds(firstSent, lastAccepted).toFixed(1)} s: ${(accepted.size / seconds(firstSent, lastAccepted)).toFixed(0)} req/s`,
  );
  if (handled > 0) {
    console.log(
      `  every handler done ${seconds(firstSent, lastHandled).toFixed(1)} s after the first request: ${throughput.toFixed(1)} events/s end to end (${(throughput * RECORDERS.length).toFixed(1)} deliveries/s), the last ${seconds(lastAccepted, lastHandled).toFixed(1)} s after the last 201`,
    );
    console.log(
      `  per-event latency, 201 -> last handler ran: p50 ${ms(median(latencies))}, p99 ${ms(percentile(latencies, 99))}`,
    );
  }
  console.log(
    `  lost: ${events - handled} of ${events} (within ${timeoutMs / 1000} s of the last 201; ${deliveries} of ${events * RECORDERS.length} deliveries received, ${calls - deliveries} repeated handler calls, ${deadLetters} dead letters)`,
  );
  const result = {
    tenants: stores.length,
    events,
    acceptedPerSecond: accepted.size / seconds(firstSent, lastAccepted),
    eventsPerSecond: handled > 0 ? throughput : 0,
    deliveriesPerSecond: handled > 0 ? throughput * RECORDERS.length : 0,
    lost: events - handled,
    counts: null,
  };
  if (countsBefore) {
    const api = countsBetween(countsBefore, countsAccepted, "commerce-api");
    const consumers = countsBetween(countsBefore, countsDone, "commerce-consumers");
    const perEvent = (x) => (x / events).toFixed(2);
    const perDelivery = (x) => (x / (events * RECORDERS.length)).toFixed(2);
    const d1 = api.d1_queries + consumers.d1_queries;
    const ledger = api.ledger_calls + consumers.ledger_calls;
    console.log(
      `  D1 queries per delivered event: ${perEvent(d1)} round trips (${perEvent(api.d1_statements + consumers.d1_statements)} statements): API Worker ${perEvent(api.d1_queries)} (the product creation and its outbox), consumer Worker ${perEvent(consumers.d1_queries)} (fan-out, deliveries, analytics; every queue) (goal: 0 on the hot path)`,
    );
    console.log(
      `  ledger calls per delivery: ${perDelivery(ledger)} (API Worker ${perDelivery(api.ledger_calls)}, consumer Worker ${perDelivery(consumers.ledger_calls)})`,
    );
    result.counts = {
      d1PerEvent: d1 / events,
      ledgerPerDelivery: ledger / (events * RECORDERS.length),
      api,
      consumers,
    };
  }
  return result;
}

/**
 * A copy of consumers/wrangler.toml, in a temporary folder, with `vars` added to its [vars]: for a run
 * with other consumer settings, since `wrangler dev --var` reaches only the first Worker of several.
 * consumers/.dev.vars goes beside it, as wrangler reads it from there. `remove()` deletes the folder.
 */
export function consumerConfigWith(vars) {
  const consumers = join(root, "consumers");
  const original = readFileSync(join(consumers, "wrangler.toml"), "utf8");
  const replacements = [
    ['main = "src/index.ts"', `main = ${JSON.stringify(join(consumers, "src/index.ts"))}`],
    ['migrations_dir = "../migrations"', `migrations_dir = ${JSON.stringify(join(root, "migrations"))}`],
    [
      "[vars]\n",
      `[vars]\n${Object.entries(vars)
        .map(([k, v]) => `${k} = ${JSON.stringify(v)}\n`)
        .join("")}`,
    ],
  ];
  let config = original;
  for (const [from, to] of replacements) {
    if (!config.includes(from))
      throw new Error(`consumers/wrangler.toml has no ${from.trim()}; update bench/hooks.mjs`);
    config = config.replace(from, to);
  }
  const dir = mkdtempSync(join(tmpdir(), "dcp-bench-consumers-"));
  writeFileSync(join(dir, "wrangler.toml"), config);
  if (existsSync(join(consumers, ".dev.vars"))) copyFileSync(join(consumers, ".dev.vars"), join(dir, ".dev.vars"));
  return { path: join(dir, "wrangler.toml"), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
