// Runs wrangler from node_modules with the Node that npm put on PATH (Node 24 via the "node" devDependency).
import { spawn, spawnSync } from "node:child_process";
import { root } from "./plugins.mjs";

const bin = `${root}node_modules/.bin/wrangler`;

// wrangler's esbuild resolves @digital-commerce/plugin-sdk to its TypeScript source (sdk/package.json's
// "@digital-commerce/source" condition), not its dist; the variable replaces wrangler's default conditions
const BUILD_CONDITIONS = "@digital-commerce/source,workerd,worker,browser";
const envOf = (options) => ({ WRANGLER_BUILD_CONDITIONS: BUILD_CONDITIONS, ...(options.env ?? process.env) });

export function wranglerSync(args, options = {}) {
  const result = spawnSync(bin, args, { cwd: root, encoding: "utf8", ...options, env: envOf(options) });
  if (result.status !== 0) {
    throw new Error(`wrangler ${args.join(" ")} failed:\n${result.stdout ?? ""}${result.stderr ?? ""}`);
  }
  return result.stdout;
}

export function wranglerSpawn(args, options = {}) {
  return spawn(bin, args, { cwd: root, stdio: "inherit", ...options, env: envOf(options) });
}
