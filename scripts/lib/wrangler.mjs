// Runs wrangler from node_modules with the Node that npm put on PATH (Node 24 via the "node" devDependency).
import { spawn, spawnSync } from "node:child_process";
import { root } from "./plugins.mjs";

const bin = `${root}node_modules/.bin/wrangler`;

export function wranglerSync(args, options = {}) {
  const result = spawnSync(bin, args, { cwd: root, encoding: "utf8", ...options });
  if (result.status !== 0) {
    throw new Error(`wrangler ${args.join(" ")} failed:\n${result.stdout ?? ""}${result.stderr ?? ""}`);
  }
  return result.stdout;
}

export function wranglerSpawn(args, options = {}) {
  return spawn(bin, args, { cwd: root, stdio: "inherit", ...options });
}
