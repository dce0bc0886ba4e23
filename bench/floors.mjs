// The floors issue 12's performance bars are printed against: what the local runtime does with a queue,
// a Durable Object, D1, the Worker Loader and a bare route, and a route doing one write through the
// platform's own tenant ledger; measured by bench/floors/worker.ts (inside workerd) and, for the
// routes, from here through `wrangler dev`. Each figure is the median of 3 interleaved runs.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitUntilReady } from "../scripts/lib/platform.mjs";
import { wranglerSpawn } from "../scripts/lib/wrangler.mjs";
import { client, createProduct } from "./hooks.mjs";
import { compare, latencyTable, load, median, percentile, table } from "./load.mjs";

/**
 * The two configurations the bench measures. `wrangler dev`'s local observability and explorer are
 * switched by these variables in the environment of the wrangler process (wrangler-dist/cli.js:
 * getLocalObservabilityEnabledFromEnv, getLocalExplorerEnabledFromEnv; both default to true).
 * Production has neither, so the bars are printed in both, each against floors from its own.
 */
export const CONFIGURATIONS = {
  defaults: {
    name: "defaults",
    label:
      "wrangler dev defaults: local observability and explorer on (X_LOCAL_OBSERVABILITY=true, X_LOCAL_EXPLORER=true)",
    env: { X_LOCAL_OBSERVABILITY: "true", X_LOCAL_EXPLORER: "true" },
  },
  off: {
    name: "off",
    label: "local observability and explorer off (X_LOCAL_OBSERVABILITY=false, X_LOCAL_EXPLORER=false)",
    env: { X_LOCAL_OBSERVABILITY: "false", X_LOCAL_EXPLORER: "false" },
  },
};

/**
 * The in-runtime measurements: path, query, and which figure of the answer is the floor. Sizes make
 * each run last about a second with the defaults, long enough for the runtime's coarse clock.
 */
const INSIDE = [
  {
    key: "queue_ack",
    name: "queue, tiny messages end to end, the consumer acking each batch",
    path: "/queue?messages=20000",
    unit: "messages/s",
  },
  {
    key: "queue_rpc_sequential",
    name: "queue + one no-op Durable Object RPC per message, sequential",
    path: "/queue?messages=3000&work=rpc",
    unit: "messages/s",
  },
  {
    key: "queue_rpc_4",
    name: "queue + one no-op Durable Object RPC per message, 4 in flight",
    path: "/queue?messages=3000&work=rpc&inflight=4",
    unit: "messages/s",
  },
  { key: "do_noop", name: "Durable Object no-op RPC, sequential", path: "/object?op=noop&calls=3000", unit: "calls/s" },
  {
    key: "do_write",
    name: "Durable Object write RPC (one row), sequential",
    path: "/object?op=write&calls=1000",
    unit: "rows/s",
  },
  {
    key: "do_transaction",
    name: "Durable Object, 100 rows in one transactionSync per call",
    path: "/object?op=transaction&calls=100&rows=100",
    unit: "rows/s",
  },
  { key: "d1_single", name: "D1 single-row insert, sequential", path: "/d1?op=single&rows=500", unit: "rows/s" },
  {
    key: "d1_batch",
    name: "D1 inserts in 100-row batch() calls",
    path: "/d1?op=batch&rows=20000&batch=100",
    unit: "rows/s",
  },
  {
    key: "loader_sequential",
    name: "warm Worker Loader RPC, sequential",
    path: "/loader?calls=3000",
    unit: "ms/call",
  },
  {
    key: "loader_4",
    name: "warm Worker Loader RPC, 4 in flight",
    path: "/loader?calls=3000&inflight=4",
    unit: "ms/call",
  },
];

async function measure(base, path) {
  const res = await fetch(`${base}${path}`);
  const body = await res.json();
  if (!res.ok) throw new Error(`floors ${path}: ${res.status} ${body.error ?? JSON.stringify(body)}`);
  return body;
}

/**
 * Starts bench/floors/ with `wrangler dev` in `configuration` (its own temporary state); `stop()` ends
 * it. Kept running while the platform is measured, for the side-by-side ledger-write route.
 */
export async function startFloors({ port = 8799, configuration }) {
  const persistTo = mkdtempSync(join(tmpdir(), "dcp-bench-floors-"));
  const server = wranglerSpawn(
    [
      "dev",
      "-c",
      "bench/floors/wrangler.toml",
      "--persist-to",
      persistTo,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--log-level",
      "error",
    ],
    { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, ...configuration.env } },
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
    rmSync(persistTo, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(baseUrl, 60_000, "/bare");
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, stop };
}

const fmt = (x, unit) =>
  unit === "ms/call" ? `${x.toFixed(3)} ms/call` : `${Math.round(x).toLocaleString("en")} ${unit}`;

/**
 * Measures every floor against the running floors Worker at `baseUrl` and prints them; returns the
 * medians by key (`*_rps`, `*_p50` for the routes; ms per call for the loader; else per second).
 */
export async function floors({ baseUrl, configuration }) {
  // warm-up: every object, table and isolate exists before anything is timed
  for (const m of INSIDE) await measure(baseUrl, m.path.replace(/=(\d+)/, "=100"));
  const runs = new Map(INSIDE.map((m) => [m.key, []]));
  for (let round = 0; round < 3; round++) {
    for (const m of INSIDE) runs.get(m.key).push(await measure(baseUrl, m.path));
  }
  const result = {};
  const lines = [];
  for (const m of INSIDE) {
    const r = runs.get(m.key);
    const figure = m.unit === "ms/call" ? "ms_per_call" : "per_second";
    result[m.key] = median(r.map((x) => x[figure]));
    if (m.unit === "ms/call") result[`${m.key}_per_second`] = median(r.map((x) => x.per_second));
    lines.push([m.name, fmt(result[m.key], m.unit), r.map((x) => fmt(x[figure], m.unit)).join(", ")]);
  }
  const bare = { name: "GET /bare (a fetch handler answering ok)", url: `${baseUrl}/bare` };
  const ledger = {
    name: "POST /ledger-write (one products row through the real TenantLedger)",
    url: `${baseUrl}/ledger-write`,
    method: "POST",
  };
  for (const c of [bare, ledger]) await load({ ...c, duration: 1 }); // warm-up
  const routes = await compare([bare, ledger], { rounds: 3, duration: 5, connections: 8 });
  result.bare_rps = routes[0].rps;
  result.bare_p50 = routes[0].p50;
  result.ledger_write_rps = routes[1].rps;
  result.ledger_write_p50 = routes[1].p50;

  const widths = [Math.max(...lines.map((l) => l[0].length)), Math.max(...lines.map((l) => l[1].length))];
  console.log(`\nFloors [${configuration.label}] (bench/floors/, measured inside workerd; median of 3 runs)`);
  for (const [name, value, all] of lines)
    console.log(`  ${name.padEnd(widths[0])}  ${value.padStart(widths[1])}  (${all})`);
  console.log(`\nFloor routes [${configuration.name}] (wrangler dev; 8 connections; median of 3 interleaved 5 s runs)`);
  console.log(table(routes));
  return result;
}

/** Floors alone, in each configuration: `npm run bench -- --only floors`. */
export async function floorsOnly({ configurations, port }) {
  const all = {};
  for (const configuration of configurations) {
    const server = await startFloors({ port, configuration });
    try {
      all[configuration.name] = await floors({ baseUrl: server.baseUrl, configuration });
    } finally {
      await server.stop();
    }
  }
  return all;
}

/**
 * The floor of "product creation with no plugins: p50 within 2x of a route that does one ledger
 * write", side by side: `POST /api/commerce/products` for a tenant with no plugins on the platform and
 * `POST /ledger-write` on the floors Worker, one request at a time, alternating, so drift in the
 * machine's load hits both alike.
 */
export async function creationAgainstLedgerWrite({ baseUrl, floorsUrl, token, warmup = 50, requests = 300 }) {
  const call = client(baseUrl, token);
  const timed = async (send) => {
    const started = performance.now();
    await send();
    return performance.now() - started;
  };
  const creation = () => createProduct(call);
  const ledgerWrite = async () => {
    const res = await fetch(`${floorsUrl}/ledger-write`, { method: "POST" });
    if (res.status !== 201) throw new Error(`POST /ledger-write: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  for (let i = 0; i < warmup; i++) {
    await timed(creation);
    await timed(ledgerWrite);
  }
  const created = [];
  const written = [];
  for (let i = 0; i < requests; i++) {
    if (i % 2 === 0) {
      created.push(await timed(creation));
      written.push(await timed(ledgerWrite));
    } else {
      written.push(await timed(ledgerWrite));
      created.push(await timed(creation));
    }
  }
  const rows = [
    { name: "POST /api/commerce/products, no plugins", p50: median(created), p99: percentile(created, 99) },
    {
      name: "POST /ledger-write (floors Worker: one TenantLedger write)",
      p50: median(written),
      p99: percentile(written, 99),
    },
  ];
  console.log(
    `\nProduct creation against a route doing one ledger write (wrangler dev, two processes; sequential; ${requests} requests each, alternating, after ${warmup} warm-up each)`,
  );
  console.log(latencyTable(rows));
  return { creationP50: rows[0].p50, ledgerWriteP50: rows[1].p50 };
}
