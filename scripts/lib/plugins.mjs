// Finds every plugin under plugins/ and bundles it with the SDK's bundler, as the tests do.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { bundlePlugin } from "../../sdk/src/build/index.ts";

export const root = new URL("../..", import.meta.url).pathname;

/** The plugin folders (those with a manifest.ts) under `parent`, plugins/ by default. */
export function pluginDirs(parent = "plugins") {
  const dir = join(root, parent);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, "manifest.ts")))
    .map((e) => join(dir, e.name))
    .sort();
}

/** `{ manifest, code, hash }` of every plugin under plugins/, or of each folder in `dirs`. */
export async function bundlePlugins(dirs = pluginDirs()) {
  return Promise.all(dirs.map((dir) => bundlePlugin(dir)));
}
