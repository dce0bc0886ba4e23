// `npm run bench`: starts the platform locally (state in a temporary folder), runs each benchmark
// against it, and prints medians and ratios with the machine they came from. Not a test: no thresholds fail it.
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { prepareLocalState, startPlatform, waitUntilReady } from "../scripts/lib/platform.mjs";
import { adminRoute } from "./admin-route.mjs";
import { sandbox } from "./sandbox.mjs";

const port = Number(process.env.BENCH_PORT ?? 8797);
const baseUrl = `http://127.0.0.1:${port}`;
const persistTo = mkdtempSync(join(tmpdir(), "dcp-bench-"));

console.log(
  `Machine: ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
const { token } = await prepareLocalState({ persistTo });
const server = startPlatform({
  port,
  persistTo,
  extraArgs: ["--log-level", "error"],
  stdio: ["ignore", "ignore", "inherit"],
});
try {
  await waitUntilReady(baseUrl);
  await adminRoute({ baseUrl, token });
} finally {
  server.kill("SIGTERM");
  rmSync(persistTo, { recursive: true, force: true });
}
await sandbox();
