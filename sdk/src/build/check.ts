/**
 * Checks a plugin folder as the platform will use it and reports every problem at once, each
 * with its file and path: the manifest against the schema (dependency ranges, hook names and
 * the rest), each handler file it names (inside the folder, there, exporting a handler),
 * plugin.ts against its category's methods and its services, lifecycle.ts, and finally the bundle itself.
 * `admin-cli validate` prints what this finds; `admin-cli build` and `dev` refuse on its errors.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { isAbsolute, join, relative, resolve } from "node:path";
import { type PluginCategory, type PluginManifest, pluginCategory } from "../manifest.ts";
import { safeParseManifest } from "../parse.ts";
import { BundleError, bundlePlugin, evaluateManifest, type PluginBundle } from "./bundle.ts";
import { type HandlerModule, inspectModules } from "./inspect.ts";
import { error, esbuildProblems, type PluginProblem } from "./problems.ts";

export interface PluginCheck {
  /** The validated manifest, or null when it does not validate. */
  manifest: PluginManifest | null;
  /** The bundle, when everything before it passed. */
  bundle: PluginBundle | null;
  /** Errors first, then warnings. */
  problems: PluginProblem[];
  /** No errors (warnings allowed). */
  ok: boolean;
}

interface ManifestRead {
  manifest: PluginManifest | null;
  /** What manifest.ts declared, validated or not: the handler paths and category are read from it. */
  declared: unknown;
  problems: PluginProblem[];
}

/** The `ManifestError` a builder's build() throws, recognised by shape: it comes from a bundled copy of the SDK. */
function manifestErrorOf(thrown: unknown): { problems: { path: string; message: string }[]; input: unknown } | null {
  const e = thrown as { code?: unknown; problems?: unknown; input?: unknown } | null;
  if (e?.code !== "INVALID_MANIFEST" || !Array.isArray(e.problems)) return null;
  return { problems: e.problems as { path: string; message: string }[], input: e.input };
}

async function readManifest(root: string): Promise<ManifestRead> {
  if (!existsSync(join(root, "manifest.ts"))) {
    const message = 'is missing; a plugin folder needs a manifest.ts exporting "manifest", built with the SDK builder';
    return { manifest: null, declared: undefined, problems: [error("manifest.ts", message)] };
  }
  let exported: unknown;
  try {
    exported = await evaluateManifest(root);
  } catch (thrown) {
    const invalid = manifestErrorOf(thrown);
    if (invalid) {
      const problems = invalid.problems.map((p) => error("manifest.ts", p.message, p.path || undefined));
      return { manifest: null, declared: invalid.input, problems };
    }
    if (thrown instanceof BundleError) {
      const problems = thrown.problems.map((p) => error(p.file ?? "manifest.ts", p.message));
      return { manifest: null, declared: undefined, problems };
    }
    const unresolved = sdkUnresolved(root, thrown);
    if (unresolved) return { manifest: null, declared: undefined, problems: [unresolved] };
    const built = esbuildProblems(root, thrown);
    if (built) return { manifest: null, declared: undefined, problems: built };
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    return { manifest: null, declared: undefined, problems: [error("manifest.ts", `throws when loaded: ${message}`)] };
  }
  const parsed = safeParseManifest(exported);
  if (parsed.ok) return { manifest: parsed.manifest, declared: parsed.manifest, problems: [] };
  const problems = parsed.problems.map((p) => error("manifest.ts", p.message, p.path || undefined));
  return { manifest: null, declared: exported, problems };
}

const SDK = "@digital-commerce/plugin-sdk";

/** Whether Node finds `specifier` from the folder `root` (a subpath the SDK lacks is another problem than no SDK). */
function resolvable(root: string, specifier: string): boolean {
  try {
    createRequire(join(root, "package.json")).resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

/**
 * manifest.ts failing to load because the SDK cannot be resolved, as the one problem it is, with its fix:
 * install the folder's dependencies when its package.json names the SDK, else add the SDK.
 */
function sdkUnresolved(root: string, thrown: unknown): PluginProblem | null {
  const messages = (thrown as { errors?: { text: string; location?: { line: number; column: number } | null }[] })
    ?.errors;
  const first = Array.isArray(messages) ? messages.find((m) => m.text.startsWith(`Could not resolve "${SDK}`)) : null;
  if (!first || resolvable(root, `${SDK}/package.json`)) return null;
  let named = false;
  try {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Record<string, unknown>;
    named = ["dependencies", "devDependencies"].some((field) => SDK in ((pkg[field] as object | undefined) ?? {}));
  } catch {
    // no package.json, or not JSON: the SDK is not named, so the fix is to add it
  }
  const fix = named ? `run npm install in ${root}` : `install it in ${root}: npm install ${SDK}`;
  const where = first.location ? `${first.location.line}:${first.location.column + 1}` : undefined;
  return error("manifest.ts", `cannot be loaded: Cannot find package '${SDK}'; ${fix}`, where);
}

interface HandlerRef extends HandlerModule {
  /** Where the manifest names it: `hooks.0.handler`. */
  path: string;
}

/** Every handler path the manifest declares, read leniently so an invalid manifest still names its files. */
function handlerRefs(declared: unknown): HandlerRef[] {
  const fields = [
    ["hooks", "hook"],
    ["api_endpoints", "endpoint"],
    ["webhooks", "webhook"],
  ] as const;
  const refs: HandlerRef[] = [];
  for (const [field, role] of fields) {
    const list = (declared as Record<string, unknown> | null | undefined)?.[field];
    if (!Array.isArray(list)) continue;
    list.forEach((entry: unknown, i) => {
      const { handler: file, verify } = (entry as { handler?: unknown; verify?: unknown } | null) ?? {};
      // a verified webhook's handler runs from the queue with the event, as a hook handler runs with its payload
      const handlerRole = role === "webhook" && typeof verify === "string" ? "hook" : role;
      if (typeof file === "string" && file !== "")
        refs.push({ file, role: handlerRole, path: `${field}.${i}.handler` });
      if (typeof verify === "string" && verify !== "") refs.push({ file: verify, role, path: `${field}.${i}.verify` });
    });
  }
  return refs;
}

/** The admin UI modules (settings component, widgets): bundled and run in the isolate like handlers. */
function componentRefs(declared: unknown): { file: string; path: string }[] {
  const ui = (declared as { admin_ui?: { settings_component?: unknown; widgets?: unknown } } | null)?.admin_ui;
  const refs: { file: string; path: string }[] = [];
  if (typeof ui?.settings_component === "string") {
    refs.push({ file: ui.settings_component, path: "admin_ui.settings_component" });
  }
  if (Array.isArray(ui?.widgets)) {
    ui.widgets.forEach((w: unknown, i) => {
      const file = (w as { component?: unknown } | null)?.component;
      if (typeof file === "string") refs.push({ file, path: `admin_ui.widgets.${i}.component` });
    });
  }
  return refs;
}

const inside = (root: string, file: string) =>
  !isAbsolute(file) && !relative(root, resolve(root, file)).startsWith("..");

/**
 * Checks the plugin in `dir`.
 *
 * @example
 * const check = await checkPlugin("plugins/stripe-gateway");
 * for (const p of check.problems) console.log(`${p.file}: ${p.path ?? ""}: ${p.message}`);
 */
export async function checkPlugin(dir: string): Promise<PluginCheck> {
  const root = resolve(dir);
  const read = await readManifest(root);
  // a manifest that did not load names no handler and no category: whatever was checked against a guess
  // (the category falling back to utility) would be wrong, so its own problems are the only ones
  if (read.declared === undefined) {
    return { manifest: null, bundle: null, problems: read.problems, ok: false };
  }
  const problems = [...read.problems];

  const handlers: HandlerModule[] = [];
  for (const ref of handlerRefs(read.declared)) {
    if (!inside(root, ref.file)) {
      problems.push(error("manifest.ts", `${ref.file} is outside the plugin folder; name a file inside it`, ref.path));
    } else if (!existsSync(join(root, ref.file))) {
      problems.push(error("manifest.ts", `${ref.file} does not exist`, ref.path));
    } else if (!handlers.some((h) => h.file === ref.file)) {
      handlers.push({ file: ref.file, role: ref.role });
    }
  }
  for (const ref of componentRefs(read.declared)) {
    if (!inside(root, ref.file)) {
      problems.push(error("manifest.ts", `${ref.file} is outside the plugin folder; name a file inside it`, ref.path));
    } else if (!existsSync(join(root, ref.file))) {
      problems.push(error("manifest.ts", `${ref.file} does not exist`, ref.path));
    } else if (!handlers.some((h) => h.file === ref.file)) {
      handlers.push({ file: ref.file, role: "ui" });
    }
  }

  const declaredCategory = pluginCategory.safeParse(
    (read.declared as { category?: unknown } | null | undefined)?.category ?? "utility",
  );
  const category: PluginCategory | null = declaredCategory.success ? declaredCategory.data : null;
  const inspection = await inspectModules({
    root,
    handlers,
    category,
    hasPlugin: existsSync(join(root, "plugin.ts")),
    hasLifecycle: existsSync(join(root, "lifecycle.ts")),
  });
  problems.push(...inspection.problems);

  // the bundle fails for every reason found above; build it once they are fixed, for what only it finds
  let bundle: PluginBundle | null = null;
  if (read.manifest && inspection.bundled && !problems.some((p) => p.severity === "error")) {
    try {
      bundle = await bundlePlugin(root);
    } catch (thrown) {
      if (thrown instanceof BundleError) {
        problems.push(
          ...thrown.problems.map((p) => error(p.file ? relativeFile(root, p.file) : "(bundle)", p.message)),
        );
      } else {
        const built = esbuildProblems(root, thrown);
        if (!built) throw thrown;
        problems.push(...built);
      }
    }
  }
  const sorted = [
    ...problems.filter((p) => p.severity === "error"),
    ...problems.filter((p) => p.severity === "warning"),
  ];
  return { manifest: read.manifest, bundle, problems: sorted, ok: !sorted.some((p) => p.severity === "error") };
}

/** BundleError names files relative to the working directory, or as the manifest names them. */
function relativeFile(root: string, file: string): string {
  if (existsSync(join(root, file))) return file;
  const path = relative(root, resolve(file));
  return path.startsWith("..") ? file : path;
}
