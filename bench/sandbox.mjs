// The sandbox benchmark: a warm hook call through the platform's sandbox against the same handler
// in-process, and a cold start, measured inside workerd by bench/sandbox/worker.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitUntilReady } from "../scripts/lib/platform.mjs";
import { root } from "../scripts/lib/plugins.mjs";
import { wranglerSpawn, wranglerSync } from "../scripts/lib/wrangler.mjs";
import { bundlePlugin } from "../sdk/src/build/index.ts";

export async function sandbox({ port = 8798 } = {}) {
  const persistTo = mkdtempSync(join(tmpdir(), "dcp-bench-sandbox-"));
  const config = ["-c", "bench/sandbox/wrangler.toml", "--persist-to", persistTo];
  wranglerSync(["d1", "migrations", "apply", "DB", "--local", ...config], { env: { ...process.env, CI: "true" } });
  const server = wranglerSpawn(
    ["dev", ...config, "--ip", "127.0.0.1", "--port", String(port), "--log-level", "error"],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(base, 60_000, "/healthz-missing");
    const bundle = await bundlePlugin(join(root, "plugins/core-utils"));
    const setup = await fetch(`${base}/setup`, { method: "POST", body: JSON.stringify(bundle) });
    if (!setup.ok) throw new Error(`bench setup failed: ${await setup.text()}`);
    const { tenant } = await setup.json();
    const warm = await (await fetch(`${base}/warm?tenant=${tenant}&batch=50&rounds=20`)).json();
    const cold = await (await fetch(`${base}/cold?tenant=${tenant}&n=15`)).json();
    const breakdown = await (await fetch(`${base}/breakdown?tenant=${tenant}&batch=50&rounds=20`)).json();
    console.log("\nSandboxed plugin calls (core-utils before_product_create; measured inside workerd, medians)");
    console.log(
      `  warm isolate, through the platform sandbox: ${warm.sandboxed_ms.toFixed(3)} ms per call (${warm.calls} calls, batches of 50)`,
    );
    console.log(
      `  same handler, in-process:                    ${warm.in_process_ms.toFixed(4)} ms per call (${warm.in_process_calls} calls)`,
    );
    console.log(
      `  ratio sandboxed / in-process:                ${(warm.sandboxed_ms / warm.in_process_ms).toFixed(0)}x`,
    );
    console.log(
      `  sandbox overhead per call:                   ${(warm.sandboxed_ms - warm.in_process_ms).toFixed(3)} ms`,
    );
    console.log(
      `  cold start (new isolate, then the call):     ${cold.cold_ms.toFixed(1)} ms (${cold.samples} samples)`,
    );
    console.log("  where a warm call's time goes (each row adds to the one before it):");
    for (const [name, ms] of Object.entries(breakdown))
      console.log(`    ${name.padEnd(60)} ${ms.toFixed(3)} ms per call`);
    return { warmMs: warm.sandboxed_ms, inProcessMs: warm.in_process_ms, coldMs: cold.cold_ms };
  } finally {
    if (server.exitCode === null) {
      // waited for, so a run in the next configuration never meets this one on the port
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
    rmSync(persistTo, { recursive: true, force: true });
  }
}
