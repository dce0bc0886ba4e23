// Finds every plugin under plugins/ and evaluates its manifest.ts (built with the SDK builder) in Node.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

export const root = new URL("../..", import.meta.url).pathname;

export function pluginDirs() {
  const dir = join(root, "plugins");
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, "manifest.ts")))
    .map((e) => join(dir, e.name))
    .sort();
}

/** Bundles manifest.ts (so its SDK imports resolve as in the Worker) and returns its exported manifest. */
export async function loadManifest(pluginDir) {
  const result = await build({
    entryPoints: [join(pluginDir, "manifest.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0].text;
  const mod = await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
  if (!mod.manifest) throw new Error(`${pluginDir}/manifest.ts does not export "manifest"`);
  return mod.manifest;
}

export async function loadManifests() {
  return Promise.all(pluginDirs().map(loadManifest));
}
