// `npm run bench:profile`: a CPU profile of the API Worker's isolate (which, locally, also hosts every
// TenantLedger and PluginDatabase object) during the after-hooks run over 10 tenants, taken through
// `wrangler dev --inspector-port` with the DevTools protocol. Writes the .cpuprofile (open it in Chrome's
// DevTools, Performance tab) and prints the functions with the most self time. Observability and
// explorer off, as the bench's `off` configuration. Not a benchmark: the profiler slows what it watches.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { prepareLocalState, startPlatform, waitUntilReady } from "../scripts/lib/platform.mjs";
import { CONFIGURATIONS } from "./floors.mjs";
import {
  afterHooksEndToEnd,
  benchPluginDirs,
  consumerConfigWith,
  hookBenchTenants,
  seededTenants,
  withRecorders,
} from "./hooks.mjs";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: join(tmpdir(), "commerce-api.cpuprofile") },
    top: { type: "string", default: "25" },
    tenants: { type: "string", default: "10" },
  },
});
const port = Number(process.env.BENCH_PORT ?? 8797);
const inspectorPort = Number(process.env.BENCH_INSPECTOR_PORT ?? 9339);
const baseUrl = `http://127.0.0.1:${port}`;

/** A DevTools protocol session: `send` answers with the result of the command. */
async function devtools(url) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let next = 0;
  const pending = new Map();
  ws.on("message", (data) => {
    const message = JSON.parse(String(data));
    if (!pending.has(message.id)) return;
    const { resolve, reject } = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) reject(new Error(`${message.error.message} (${message.error.code})`));
    else resolve(message.result);
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      next += 1;
      pending.set(next, { resolve, reject });
      ws.send(JSON.stringify({ id: next, method, params }));
    });
  return { send, close: () => ws.close() };
}

/** Self time per function (name, file, line) and the share of the profile that was idle. */
function summarise(profile, top) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    const key = `${functionName || "(anonymous)"}${url ? ` ${url}:${lineNumber + 1}` : ""}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, top);
  console.log(`\nSelf time, ${(total / 1e6).toFixed(1)} s profiled (the bundle's lines: wrangler's build of api/src)`);
  for (const [key, t] of rows)
    console.log(`  ${((100 * t) / total).toFixed(1).padStart(5)}%  ${(t / 1000).toFixed(0).padStart(6)} ms  ${key}`);
}

Object.assign(process.env, CONFIGURATIONS.off.env);
const persistTo = mkdtempSync(join(tmpdir(), "dcp-bench-profile-"));
const tenants = hookBenchTenants({ stores: Number(values.tenants) });
await prepareLocalState({ persistTo, extraPluginDirs: benchPluginDirs, tenants: seededTenants(tenants) });
const consumers = consumerConfigWith({});
const server = startPlatform({
  port,
  persistTo,
  extraArgs: ["--log-level", "error", "--inspector-port", String(inspectorPort)],
  stdio: ["ignore", "ignore", "inherit"],
  consumerConfig: consumers.path,
});
try {
  await waitUntilReady(baseUrl);
  await withRecorders({ baseUrl, stores: tenants.stores });
  // wrangler's inspector proxy lists the first Worker (the API) only
  const [target] = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  if (!target) throw new Error(`no inspector target on port ${inspectorPort}`);
  const session = await devtools(target.webSocketDebuggerUrl);
  await session.send("Profiler.enable");
  await session.send("Profiler.setSamplingInterval", { interval: 200 });
  await session.send("Profiler.start");
  await afterHooksEndToEnd({ baseUrl, stores: tenants.stores, label: "under the CPU profiler" });
  const { profile } = await session.send("Profiler.stop");
  session.close();
  writeFileSync(values.out, JSON.stringify(profile));
  console.log(`\nWrote ${values.out}`);
  summarise(profile, Number(values.top));
} finally {
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGTERM");
  await exited;
  consumers.remove?.();
  rmSync(persistTo, { recursive: true, force: true });
}
