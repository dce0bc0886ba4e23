// Finds every plugin under plugins/ and bundles it with the SDK's bundler, as the tests do.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { bundlePlugin } from "../../sdk/src/build/index.ts";

export const root = new URL("../..", import.meta.url).pathname;

export function pluginDirs() {
  const dir = join(root, "plugins");
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, "manifest.ts")))
    .map((e) => join(dir, e.name))
    .sort();
}

/** `{ manifest, code, hash }` of every plugin under plugins/. */
export async function bundlePlugins() {
  return Promise.all(pluginDirs().map((dir) => bundlePlugin(dir)));
}
