// `npm run bench`: starts the platform locally (state in a temporary folder), runs each benchmark
// against it, and prints medians and ratios with the machine they came from. Not a test: no thresholds fail it.
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { prepareLocalState, startPlatform, waitUntilReady } from "../scripts/lib/platform.mjs";
import { adminRoute } from "./admin-route.mjs";
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

const port = Number(process.env.BENCH_PORT ?? 8797);
const baseUrl = `http://127.0.0.1:${port}`;
const persistTo = mkdtempSync(join(tmpdir(), "dcp-bench-"));

console.log(
  `Machine: ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
const tenants = hookBenchTenants({ stores: 10 });
const { token } = await prepareLocalState({
  persistTo,
  extraPluginDirs: benchPluginDirs,
  tenants: seededTenants(tenants),
});
const start = (options = {}) =>
  startPlatform({
    port,
    persistTo,
    extraArgs: ["--log-level", "error"],
    stdio: ["ignore", "ignore", "inherit"],
    ...options,
  });

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

let server = start();
const consumers = consumerConfigWith({ TENANT_BATCH_SHARE: "100" });
try {
  await waitUntilReady(baseUrl);
  await adminRoute({ baseUrl, token });
  await beforeHookChain({ baseUrl, tenants });
  await withRecorders({ baseUrl, stores: [...tenants.stores, tenants.flood] });
  await afterHooksEndToEnd({ baseUrl, stores: tenants.stores, label: "TENANT_BATCH_SHARE 8, the default" });
  await afterHooksEndToEnd({
    baseUrl,
    stores: [tenants.flood],
    label: "TENANT_BATCH_SHARE 8, the default: all but 8 of a lone tenant's deliveries per batch move to the bulk lane",
  });
  // the same lone tenant with a share no batch exceeds: what the fair share costs it
  await stop(server);
  server = start({ consumerConfig: consumers.path });
  await waitUntilReady(baseUrl);
  await afterHooksEndToEnd({ baseUrl, stores: [tenants.flood], label: "TENANT_BATCH_SHARE 100: nothing moves" });
} finally {
  await stop(server);
  consumers.remove();
  rmSync(persistTo, { recursive: true, force: true });
}
await sandbox();
