// `npm run bench`: in each configuration of `wrangler dev` (its local observability and explorer on, as
// by default, then off), measures the floors (bench/floors/), starts the platform locally (state in a
// temporary folder), runs each benchmark against it, and prints medians, ratios and issue 12's bars as
// ratios to the floors of the same configuration and run. Not a test: no bar fails it.
//
//   npm run bench                            everything, both configurations
//   npm run bench -- --only floors           the floors alone (--only takes floors, platform, sandbox;
//                                            platform measures the floors too: its bars need them)
//   npm run bench -- --config off            one configuration (defaults or off)
//   npm run bench -- --tenants 1,10          the after-hooks scale runs (default 1,10,100)
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildDashboard } from "../scripts/lib/dashboard.mjs";
import { prepareLocalState, startPlatform, waitUntilReady } from "../scripts/lib/platform.mjs";
import { adminRoute } from "./admin-route.mjs";
import { CONFIGURATIONS, creationAgainstLedgerWrite, floors, startFloors } from "./floors.mjs";
import {
  afterHooksEndToEnd,
  beforeHookChain,
  benchPluginDirs,
  consumerConfigWith,
  hookBenchTenants,
  seededTenants,
  withRecorders,
} from "./hooks.mjs";
import { sandbox } from "./sandbox.mjs";

const PARTS = ["floors", "platform", "sandbox"];

function options() {
  const { values } = parseArgs({
    options: {
      only: { type: "string", default: PARTS.join(",") },
      config: { type: "string", default: Object.keys(CONFIGURATIONS).join(",") },
      tenants: { type: "string", default: "1,10,100" },
    },
  });
  const list = (flag, raw, allowed) => {
    const items = raw.split(",").filter(Boolean);
    const bad = items.filter((x) => !allowed.includes(x));
    if (bad.length > 0 || items.length === 0)
      throw new Error(`--${flag} takes a comma-separated list of ${allowed.join(", ")}; got ${raw}`);
    return items;
  };
  const tenants = values.tenants.split(",").map(Number);
  if (tenants.some((n) => !Number.isInteger(n) || n < 1 || n > 500))
    throw new Error(`--tenants takes a comma-separated list of tenant counts in 1..500; got ${values.tenants}`);
  return {
    parts: new Set(list("only", values.only, PARTS)),
    configurations: list("config", values.config, Object.keys(CONFIGURATIONS)).map((k) => CONFIGURATIONS[k]),
    tenants,
  };
}

const { parts, configurations, tenants: tenantCounts } = options();
const port = Number(process.env.BENCH_PORT ?? 8797);
const floorsPort = Number(process.env.BENCH_FLOORS_PORT ?? 8799);
const baseUrl = `http://127.0.0.1:${port}`;

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(", ");
console.log(
  `Machine: ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average at start ${load()}`,
);

/** Stops wrangler and waits until the port is free, so a restart never answers from the old process. */
async function stop(server) {
  if (server.exitCode === null) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    try {
      await fetch(`${baseUrl}/healthz`);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${baseUrl} still answers 30 s after wrangler exited`);
}

/**
 * The platform's benchmarks in one configuration, with the D1/ledger round-trip counter on in both
 * Workers (BENCH_COUNT_QUERIES: a proxy per binding and a KV write per 250 ms, no more). The floors
 * Worker keeps running beside it for the side-by-side ledger-write route.
 */
async function platform({ floorsUrl }) {
  const persistTo = mkdtempSync(join(tmpdir(), "dcp-bench-"));
  const tenants = hookBenchTenants({ stores: Math.max(...tenantCounts) });
  const { token } = await prepareLocalState({
    persistTo,
    extraPluginDirs: benchPluginDirs,
    tenants: seededTenants(tenants),
  });
  const counting = { BENCH_COUNT_QUERIES: "true" };
  const consumers = consumerConfigWith(counting);
  const consumersShare100 = consumerConfigWith({ ...counting, TENANT_BATCH_SHARE: "100" });
  const start = (consumerConfig) =>
    startPlatform({
      port,
      persistTo,
      // --var reaches the first Worker only (the API); the consumers get it from their copied config
      extraArgs: ["--log-level", "error", "--var", "BENCH_COUNT_QUERIES:true"],
      stdio: ["ignore", "ignore", "inherit"],
      consumerConfig,
    });
  let server = start(consumers.path);
  const result = { scale: [] };
  try {
    await waitUntilReady(baseUrl);
    result.admin = await adminRoute({ baseUrl, token });
    result.chain = await beforeHookChain({ baseUrl, tenants });
    if (floorsUrl)
      result.creation = await creationAgainstLedgerWrite({ baseUrl, floorsUrl, token: tenants.bare.token });
    await withRecorders({ baseUrl, stores: [...tenants.stores, tenants.flood] });
    for (const n of tenantCounts) {
      result.scale.push(
        await afterHooksEndToEnd({
          baseUrl,
          stores: tenants.stores.slice(0, n),
          label:
            n === 1
              ? "TENANT_BATCH_SHARE 8, the default: all but 8 of a lone tenant's deliveries per batch move to the bulk lane"
              : "TENANT_BATCH_SHARE 8, the default",
        }),
      );
    }
    // a lone tenant with a share no batch exceeds: what the fair share costs it
    await stop(server);
    server = start(consumersShare100.path);
    await waitUntilReady(baseUrl);
    result.loneShare100 = await afterHooksEndToEnd({
      baseUrl,
      stores: [tenants.flood],
      label: "TENANT_BATCH_SHARE 100: nothing moves",
    });
  } finally {
    await stop(server);
    consumers.remove();
    consumersShare100.remove();
    rmSync(persistTo, { recursive: true, force: true });
  }
  return result;
}

const n0 = (x) => Math.round(x).toLocaleString("en");
const x2 = (x) => `${x.toFixed(2)} x`;

/** Issue 12's bars, each as a ratio to its floor from the same configuration and run. */
function bars(configuration, f, p, s) {
  console.log(
    `\nBars [${configuration.label}]: ratios to the floors measured above in this configuration (not a test: nothing fails)`,
  );
  const target = configuration.name === "off" ? 1000 : 500;
  const ten = p.scale.find((r) => r.tenants === 10);
  if (ten && f) {
    console.log(
      `  after hooks, 10 tenants: ${n0(ten.deliveriesPerSecond)} deliveries/s = ${x2(ten.deliveriesPerSecond / f.queue_rpc_sequential)} the DO-RPC-per-message floor (${n0(f.queue_rpc_sequential)}/s sequential; ${x2(ten.deliveriesPerSecond / f.queue_rpc_4)} the ${n0(f.queue_rpc_4)}/s with 4 in flight); bar: >= ${n0(target)}/s; lost ${ten.lost} (bar: 0)`,
    );
  }
  if (ten?.counts) {
    console.log(
      `  after hooks, 10 tenants: ${ten.counts.d1PerEvent.toFixed(2)} D1 queries per delivered event (goal: 0 on the hot path); ${ten.counts.ledgerPerDelivery.toFixed(2)} ledger calls per delivery`,
    );
  }
  const one = p.scale.find((r) => r.tenants === 1) ?? p.scale[0];
  if (one && p.scale.length > 1) {
    const steps = p.scale.map(
      (r) =>
        `${r.tenants} tenant${r.tenants > 1 ? "s" : ""} ${n0(r.deliveriesPerSecond)}/s${r === one ? "" : ` = ${x2(r.deliveriesPerSecond / one.deliveriesPerSecond)} ${one.tenants} tenant${one.tenants > 1 ? "s" : ""}`} (lost ${r.lost})`,
    );
    console.log(`  after hooks by tenants: ${steps.join("; ")}; bar: aggregate deliveries/s must not fall (>= 1.00 x)`);
  }
  if (p.creation) {
    console.log(
      `  product creation, no plugins: p50 ${p.creation.creationP50.toFixed(2)} ms = ${x2(p.creation.creationP50 / p.creation.ledgerWriteP50)} a route doing one ledger write (p50 ${p.creation.ledgerWriteP50.toFixed(2)} ms, side by side); bar: <= 2 x`,
    );
  }
  if (f) {
    console.log(
      `  one sandboxed before hook: adds ${p.chain.perHookP50.toFixed(2)} ms at p50 (of 5 in a chain) = ${x2(p.chain.perHookP50 / f.loader_sequential)} one warm Worker Loader RPC (${f.loader_sequential.toFixed(3)} ms); bar: <= 2 x`,
    );
    if (s) {
      console.log(
        `    the same hook through the sandbox, timed inside workerd: ${s.warmMs.toFixed(3)} ms per call = ${x2(s.warmMs / f.loader_sequential)} the warm Worker Loader RPC`,
      );
    }
    console.log(
      `  bare route: platform GET /healthz ${n0(p.admin.bare.rps)} req/s, floors Worker GET /bare ${n0(f.bare_rps)} req/s; one ledger write route ${n0(f.ledger_write_rps)} req/s, p50 ${f.ledger_write_p50.toFixed(2)} ms (8 connections)`,
    );
  }
}

// the platform's Worker serves the dashboard as its assets: wrangler refuses to start without the build
if (parts.has("platform")) buildDashboard({ quiet: true });

for (const configuration of configurations) {
  // every wrangler started from here inherits the configuration's switches
  Object.assign(process.env, configuration.env);
  console.log(`\n=== Configuration: ${configuration.label}; load average now ${load()} ===`);
  let floorsServer = null;
  let f = null;
  let p = null;
  let s = null;
  try {
    if (parts.has("floors") || parts.has("platform")) {
      floorsServer = await startFloors({ port: floorsPort, configuration });
      // the platform's bars are ratios to these: measured whenever the platform is
      f = await floors({ baseUrl: floorsServer.baseUrl, configuration });
    }
    if (parts.has("platform")) p = await platform({ floorsUrl: floorsServer.baseUrl });
  } finally {
    await floorsServer?.stop();
  }
  if (parts.has("sandbox")) s = await sandbox();
  if (p) bars(configuration, f, p, s);
}
