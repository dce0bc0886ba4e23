// Builds the operator dashboard (api/dashboard/) with Vite into api/dashboard/dist, which the API
// Worker serves as static assets (wrangler.toml [assets]); `npm run dev` also rebuilds it on change.
import { spawn, spawnSync } from "node:child_process";
import { root } from "./plugins.mjs";

const vite = `${root}node_modules/.bin/vite`;
const config = "api/dashboard/vite.config.ts";

/** One build; throws with Vite's output if it fails. `quiet` keeps Vite's file list off the terminal. */
export function buildDashboard({ quiet = false } = {}) {
  const result = spawnSync(vite, ["build", "-c", config, "--logLevel", quiet ? "warn" : "info"], {
    cwd: root,
    encoding: "utf8",
    stdio: quiet ? "pipe" : "inherit",
  });
  if (result.status !== 0) {
    throw new Error(`vite build of the dashboard failed:\n${result.stdout ?? ""}${result.stderr ?? ""}`);
  }
}

/** `vite build --watch`: rebuilds dist/ as the dashboard's source changes; wrangler serves each new build. */
export function watchDashboard() {
  // the first build is done already; later ones overwrite the same folder, so it is never emptied under wrangler
  return spawn(vite, ["build", "-c", config, "--watch", "--logLevel", "warn"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, DASHBOARD_KEEP_OUT_DIR: "1" },
  });
}
