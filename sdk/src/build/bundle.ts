/**
 * Bundles a plugin folder into one ES module for a Dynamic Worker: the handler
 * modules and UI modules (widgets, settings component; TSX) its manifest names, its optional lifecycle callbacks (lifecycle.ts),
 * its optional category methods and services (plugin.ts's default export and
 * its named export `services`), and the SDK's isolate entrypoint,
 * with the validated manifest and its category's method names inlined as JSON
 * so the schema library stays out of the isolate. Runs in Node, with esbuild.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { type PluginManifest, pluginManifestSchema } from "../manifest.ts";
import { categoryMethods } from "../types.ts";
import { guardLoops } from "./loop-guard.ts";

export interface PluginBundle {
  manifest: PluginManifest;
  /** The bundle: one ES module whose default export is the plugin's entrypoint class. */
  code: string;
  /** SHA-256 of `code`, hex: the bundle's identity in storage and in isolate ids. */
  hash: string;
}

export class BundleError extends Error {
  // plain fields, not parameter properties: Node runs this file by stripping types only
  readonly dir: string;
  readonly problems: { file?: string; message: string }[];

  constructor(dir: string, problems: { file?: string; message: string }[]) {
    super(`Cannot bundle ${dir}:\n${problems.map((p) => `  - ${p.file ? `${p.file}: ` : ""}${p.message}`).join("\n")}`);
    this.name = "BundleError";
    this.dir = dir;
    this.problems = problems;
  }
}

// The SDK's own files: its TypeScript source inside the platform's repository, its built dist when installed.
const runtimeDir = resolve(import.meta.dirname, "../runtime");
const fromSource = existsSync(join(runtimeDir, "index.ts"));
const runtimeEntry = join(runtimeDir, fromSource ? "index.ts" : "index.js");

/**
 * The export condition that resolves `@digital-commerce/plugin-sdk` to its TypeScript source (sdk/package.json).
 * A plugin bundled by the SDK's source imports the SDK's source too, so the bundle holds one copy of it;
 * bundled by an installed SDK, it imports the installed SDK's dist.
 */
const sourceConditions: string[] = fromSource ? ["@digital-commerce/source"] : [];

/** How plugin code is built for a Worker Loader isolate (workerd's conditions; node: and cloudflare: left to the runtime). */
export const ISOLATE_BUILD = {
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2023",
  conditions: [...sourceConditions, "workerd", "worker", "browser"],
  mainFields: ["module", "main"],
  external: ["cloudflare:*", "node:*"],
  // widgets and settings components are TSX rendering to the SDK's UI tree (sdk/src/ui/jsx-runtime.ts)
  jsx: "automatic",
  jsxImportSource: "@digital-commerce/plugin-sdk",
} as const satisfies Parameters<typeof build>[0];

/**
 * Evaluates `manifest.ts` in Node (bundled, so its SDK imports resolve) and returns its `manifest`
 * export unvalidated. A builder's `build()` throws `ManifestError` from here when the manifest is
 * invalid; the error comes from the bundled copy of the SDK, so test its `code`, not `instanceof`.
 *
 * @example
 * const exported = await evaluateManifest("plugins/stripe-gateway");
 * const result = safeParseManifest(exported);
 */
export async function evaluateManifest(dir: string): Promise<unknown> {
  const file = join(dir, "manifest.ts");
  if (!existsSync(file)) throw new BundleError(dir, [{ file: "manifest.ts", message: "is missing" }]);
  const result = await build({
    entryPoints: [file],
    bundle: true,
    platform: "node",
    format: "esm",
    // custom conditions replace esbuild's default "module" one, so it is named again
    ...(fromSource ? { conditions: [...sourceConditions, "module"] } : {}),
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]?.text ?? "";
  const mod = (await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`)) as {
    manifest?: unknown;
  };
  if (mod.manifest === undefined) {
    throw new BundleError(dir, [{ file: "manifest.ts", message: 'does not export "manifest"' }]);
  }
  return mod.manifest;
}

/** Evaluates `manifest.ts` in Node (bundled, so its SDK imports resolve) and validates what it exports. */
export async function loadManifest(dir: string): Promise<PluginManifest> {
  return pluginManifestSchema.parse(await evaluateManifest(dir));
}

/** Every module path the manifest names as a handler. */
export function handlerPaths(manifest: PluginManifest): string[] {
  const paths = [
    ...manifest.hooks.map((h) => h.handler),
    ...manifest.api_endpoints.map((e) => e.handler),
    ...manifest.webhooks.flatMap((w) => [w.handler, w.verify].filter((p): p is string => p !== undefined)),
  ];
  return [...new Set(paths)].sort();
}

/** Every UI module the manifest names: the settings component and each widget's component. */
export function uiModulePaths(manifest: PluginManifest): string[] {
  const ui = manifest.admin_ui;
  const paths = [
    ...(ui?.settings_component ? [ui.settings_component] : []),
    ...(ui?.widgets ?? []).map((w) => w.component),
  ];
  return [...new Set(paths)].sort();
}

// esbuild's words for a module the generated entry imports by default without it having one
const NO_DEFAULT = /^No matching export in "(.+)" for import "default"$/;

/** An esbuild error as a problem a plugin author can act on. */
function problemOf(m: { text: string; location?: { file: string } | null }): { file?: string; message: string } {
  const missingDefault = NO_DEFAULT.exec(m.text);
  if (missingDefault?.[1]) {
    const file = missingDefault[1].split("/").pop() === "plugin.ts" ? "plugin.ts" : missingDefault[1];
    const what = file === "plugin.ts" ? "the object implementing the category's methods" : "the handler function";
    return { file, message: `has no default export; export ${what} as default` };
  }
  return { file: m.location?.file, message: m.text };
}

// esbuild's words for a member of the namespace import that plugin.ts does not export
const UNDEFINED_IMPORT =
  /^Import "(default|services)" will always be undefined because there is no matching export in "(.+)"$/;

/**
 * plugin.ts must export what the platform reads from it: the category's methods as default when the
 * category has any, else at least its services. Refuses the bundle otherwise, naming the file.
 */
function pluginExportProblems(root: string, manifest: PluginManifest, warnings: { text: string }[]): void {
  const missing = new Set(
    warnings.flatMap((w) => {
      const m = UNDEFINED_IMPORT.exec(w.text);
      return m?.[1] && m[2]?.split("/").pop() === "plugin.ts" ? [m[1]] : [];
    }),
  );
  if (!missing.has("default")) return;
  if (categoryMethods[manifest.category].length > 0) {
    throw new BundleError(root, [
      {
        file: "plugin.ts",
        message: "has no default export; export the object implementing the category's methods as default",
      },
    ]);
  }
  if (missing.has("services")) {
    throw new BundleError(root, [
      {
        file: "plugin.ts",
        message: "exports neither a default (lifecycle callbacks) nor services; export `services`, or remove the file",
      },
    ]);
  }
}

/**
 * Bundles the plugin in `dir`.
 *
 * @example
 * const { manifest, code, hash } = await bundlePlugin("plugins/stripe-gateway");
 */
export async function bundlePlugin(dir: string): Promise<PluginBundle> {
  const root = resolve(dir);
  const manifest = await loadManifest(root);
  const paths = handlerPaths(manifest);
  const uiPaths = uiModulePaths(manifest);
  const missing = [...paths, ...uiPaths].filter((p) => !existsSync(join(root, p)));
  if (missing.length > 0) {
    throw new BundleError(
      root,
      missing.map((file) => ({
        file,
        message: `is named as ${paths.includes(file) ? "a handler" : "a UI component"} in the manifest but does not exist`,
      })),
    );
  }
  const hasLifecycle = existsSync(join(root, "lifecycle.ts"));
  const hasPlugin = existsSync(join(root, "plugin.ts"));
  const entry = [
    `import { definePluginWorker } from ${JSON.stringify(runtimeEntry)};`,
    // default imports: esbuild refuses a handler module without a default export
    ...paths.map((p, i) => `import h${i} from ${JSON.stringify(`./${p}`)};`),
    ...uiPaths.map((p, i) => `import u${i} from ${JSON.stringify(`./${p}`)};`),
    hasLifecycle ? `import * as lifecycle from "./lifecycle.ts";` : "const lifecycle = {};",
    // a namespace import: plugin.ts holds the category's methods (default), its services (`services`), or both
    hasPlugin ? `import * as pluginModule from "./plugin.ts";` : "const pluginModule = {};",
    `const manifest = ${JSON.stringify(manifest)};`,
    `const methods = ${JSON.stringify(categoryMethods[manifest.category])};`,
    `const handlers = { ${paths.map((p, i) => `${JSON.stringify(p)}: h${i}`).join(", ")} };`,
    `const ui = { ${uiPaths.map((p, i) => `${JSON.stringify(p)}: u${i}`).join(", ")} };`,
    "const plugin = pluginModule.default;",
    "const services = pluginModule.services;",
    "export default definePluginWorker({ manifest, handlers, ui, lifecycle, plugin, services, methods });",
  ].join("\n");
  let result: Awaited<ReturnType<typeof build<{ write: false; metafile: true }>>>;
  try {
    result = await build({
      stdin: { contents: entry, resolveDir: root, sourcefile: "plugin-entry.js", loader: "js" },
      ...ISOLATE_BUILD,
      write: false,
      metafile: true,
      logLevel: "silent",
      legalComments: "none",
    });
  } catch (error) {
    const messages = (error as { errors?: { text: string; location?: { file: string } | null }[] }).errors;
    if (!messages) throw error;
    throw new BundleError(root, messages.map(problemOf));
  }
  if (hasPlugin) pluginExportProblems(root, manifest, result.warnings);
  // plugin code must not name the guard or its state, or it could switch the guard off
  const reserved = Object.keys(result.metafile.inputs).filter(
    (file) =>
      !resolve(file).startsWith(`${runtimeDir}/`) &&
      !file.endsWith("plugin-entry.js") &&
      readFileSync(resolve(file), "utf8").includes("__dcp"),
  );
  if (reserved.length > 0) {
    throw new BundleError(
      root,
      reserved.map((file) => ({ file, message: "uses the platform-reserved prefix __dcp" })),
    );
  }
  const code = guardLoops(result.outputFiles[0]?.text ?? "");
  const hash = createHash("sha256").update(code).digest("hex");
  return { manifest, code, hash };
}
