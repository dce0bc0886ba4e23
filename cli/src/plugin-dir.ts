/** The plugin folder a development command works on: there, a folder, holding a manifest.ts. */
import { existsSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { usageError } from "./errors.ts";

/** `dir` resolved; a usage error (exit 2) when it is not a folder. */
export function pluginDir(dir: string): string {
  const root = resolve(dir);
  if (!existsSync(root))
    throw usageError(`${dir} does not exist; pass the plugin's folder (the one holding manifest.ts).`);
  if (!statSync(root).isDirectory())
    throw usageError(`${dir} is not a folder; pass the plugin's folder (the one holding manifest.ts).`);
  return root;
}

/** `pluginDir`, and a usage error when the folder has no manifest.ts: it is not a plugin. */
export function pluginDirWithManifest(dir: string): string {
  const root = pluginDir(dir);
  if (!existsSync(join(root, "manifest.ts"))) {
    throw usageError(`${dir} has no manifest.ts, so it is not a plugin folder; create one with admin-cli scaffold.`);
  }
  return root;
}

/** How to name `path` to the user: relative to where they are when it is below, else absolute. */
export function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" ? "." : rel.startsWith("..") ? path : rel;
}
