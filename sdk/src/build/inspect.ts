/**
 * Loads a plugin's modules in Node and checks what they export against what the platform will
 * call: each handler module's default export is a function taking (context, data) or
 * (context, request), each widget or settings component's a function (context, input); plugin.ts's default export holds only its category's methods and the
 * lifecycle callbacks, and its `services` export only functions (context, ...args) under names
 * a dependent can call; lifecycle.ts exports only lifecycle callbacks, none also in plugin.ts.
 * Bundled like `bundlePlugin` bundles them, so what loads here is what the isolate runs.
 */
import { build, type Plugin } from "esbuild";
import type { PluginCategory } from "../manifest.ts";
import { lifecycleNames } from "../runtime/protocol.ts";
import { NOT_SERVICE_NAMES, SERVICE_NAME } from "../runtime/services.ts";
import { categoryMethods } from "../types.ts";
import { ISOLATE_BUILD } from "./bundle.ts";
import { error, esbuildProblems, type PluginProblem, warning } from "./problems.ts";

/** A module the manifest names, and what calls it: a hook handler, an endpoint, a webhook or the dashboard (`ui`). */
export interface HandlerModule {
  file: string;
  role: "hook" | "endpoint" | "webhook" | "ui";
}

export interface InspectInput {
  root: string;
  handlers: HandlerModule[];
  /** Known when the manifest (or what it declared) names a valid category. */
  category: PluginCategory | null;
  hasPlugin: boolean;
  hasLifecycle: boolean;
}

export interface Inspection {
  problems: PluginProblem[];
  /** False when the modules did not even bundle (their esbuild errors are in `problems`). */
  bundled: boolean;
}

type Namespace = Record<string, unknown>;

const describe = (value: unknown) =>
  value === null
    ? "null"
    : Array.isArray(value)
      ? "an array"
      : typeof value === "object"
        ? "an object"
        : `a ${typeof value}`;

const argumentsOf: Record<HandlerModule["role"], string> = {
  hook: "(context, data)",
  endpoint: "(context, request)",
  webhook: "(context, request)",
  ui: "(context, input) returning a UI tree",
};

function checkHandler(handler: HandlerModule, mod: Namespace): PluginProblem[] {
  const fn = mod.default;
  if (fn === undefined) {
    const what = handler.role === "ui" ? "the function (context, input) returning the UI tree" : "the handler function";
    return [error(handler.file, `has no default export; export ${what} as default`)];
  }
  if (typeof fn !== "function") {
    return [error(handler.file, `is ${describe(fn)}, not a function ${argumentsOf[handler.role]}`, "default")];
  }
  if (fn.length > 2) {
    return [
      warning(
        handler.file,
        `takes ${fn.length} parameters; the platform calls it with ${argumentsOf[handler.role]}`,
        "default",
      ),
    ];
  }
  return [];
}

function checkServices(services: unknown): PluginProblem[] {
  if (typeof services !== "object" || services === null || Array.isArray(services)) {
    return [error("plugin.ts", `is ${describe(services)}, not an object of functions (context, ...args)`, "services")];
  }
  const entries = Object.entries(services);
  if (entries.length === 0) return [warning("plugin.ts", "is empty; dependents have nothing to call", "services")];
  return entries.flatMap(([name, value]) => {
    const path = `services.${name}`;
    if (!SERVICE_NAME.test(name) || NOT_SERVICE_NAMES.has(name)) {
      const why = `a service name is an identifier of up to 100 characters, none of ${[...NOT_SERVICE_NAMES].join(", ")}`;
      return [error("plugin.ts", `cannot be called through context.plugins: ${why}`, path)];
    }
    return typeof value === "function"
      ? []
      : [error("plugin.ts", `is ${describe(value)}, not a function (context, ...args)`, path)];
  });
}

function checkPluginObject(mod: Namespace, category: PluginCategory | null, lifecycle: Namespace | null) {
  const problems: PluginProblem[] = mod.services === undefined ? [] : checkServices(mod.services);
  const plugin = mod.default;
  const methods: readonly string[] = category ? categoryMethods[category] : [];
  // a plugin whose category has no methods may keep only its services in plugin.ts
  if (plugin === undefined && mod.services !== undefined && category && methods.length === 0) return problems;
  if (plugin === undefined) {
    const message =
      methods.length > 0 || !category
        ? "has no default export; export the object implementing the category's methods"
        : "exports neither a default (lifecycle callbacks) nor services; export `services`, or remove the file";
    return [...problems, error("plugin.ts", message)];
  }
  if (typeof plugin !== "object" || plugin === null || Array.isArray(plugin)) {
    return [...problems, error("plugin.ts", `is ${describe(plugin)}, not an object of methods`, "default")];
  }
  const callbacks: readonly string[] = lifecycleNames;
  const offered = methods.length > 0 ? `its methods are ${methods.join(", ")}` : "it has no methods";
  for (const [key, value] of Object.entries(plugin)) {
    const path = `default.${key}`;
    if (methods.includes(key) || callbacks.includes(key)) {
      if (typeof value !== "function") problems.push(error("plugin.ts", `is ${describe(value)}, not a function`, path));
    } else if (category && typeof value === "function") {
      problems.push(
        error("plugin.ts", `is not a method of a ${category} plugin (${offered}); the platform never calls it`, path),
      );
    } else if (category) {
      problems.push(warning("plugin.ts", "is not a method or lifecycle callback; the platform never reads it", path));
    }
    if (callbacks.includes(key) && typeof lifecycle?.[key] === "function") {
      problems.push(error("plugin.ts", "is also exported by lifecycle.ts; keep one of them", path));
    }
  }
  for (const method of methods) {
    if (!Object.hasOwn(plugin, method)) {
      problems.push(warning("plugin.ts", "is not implemented; the platform refuses calls to it", `default.${method}`));
    }
  }
  return problems;
}

function checkLifecycle(mod: Namespace): PluginProblem[] {
  const callbacks: readonly string[] = lifecycleNames;
  return Object.entries(mod).flatMap(([name, value]) => {
    if (!callbacks.includes(name)) {
      return [
        warning(
          "lifecycle.ts",
          `is not a lifecycle callback (${callbacks.join(", ")}); the platform never calls it`,
          name,
        ),
      ];
    }
    return typeof value === "function" ? [] : [error("lifecycle.ts", `is ${describe(value)}, not a function`, name)];
  });
}

/** `cloudflare:sockets` for the inspection only: loading works, connecting says where it can. */
const socketsStandIn: Plugin = {
  name: "cloudflare-sockets-stand-in",
  setup(b) {
    b.onResolve({ filter: /^cloudflare:/ }, (args) =>
      args.path === "cloudflare:sockets"
        ? { path: args.path, namespace: "stand-in" }
        : { path: args.path, external: true },
    );
    b.onLoad({ filter: /.*/, namespace: "stand-in" }, () => ({
      contents:
        'export function connect() { throw new Error("connect() runs in the Workers runtime, not in admin-cli validate"); }',
      loader: "js",
    }));
  },
};

/**
 * Bundles the handler modules, plugin.ts and lifecycle.ts into one module, imports it, and
 * checks each export.
 *
 * @example
 * const { problems } = await inspectModules({ root, handlers: [{ file: "src/hooks/x.ts", role: "hook" }], category: "payment", hasPlugin: true, hasLifecycle: false });
 */
export async function inspectModules(input: InspectInput): Promise<Inspection> {
  const files = [...new Set(input.handlers.map((h) => h.file))];
  if (input.hasPlugin) files.push("plugin.ts");
  if (input.hasLifecycle) files.push("lifecycle.ts");
  if (files.length === 0) return { problems: [], bundled: true };
  const entry = [
    ...files.map((file, i) => `import * as m${i} from ${JSON.stringify(`./${file}`)};`),
    `export default { ${files.map((file, i) => `${JSON.stringify(file)}: m${i}`).join(", ")} };`,
  ].join("\n");
  let code: string;
  try {
    const result = await build({
      stdin: { contents: entry, resolveDir: input.root, sourcefile: "inspect-entry.js", loader: "js" },
      absWorkingDir: input.root,
      ...ISOLATE_BUILD,
      // Node has no cloudflare:sockets; its stand-in lets a module that imports connect() load, for its exports
      external: ["node:*"],
      plugins: [socketsStandIn],
      write: false,
      logLevel: "silent",
    });
    code = result.outputFiles[0]?.text ?? "";
  } catch (thrown) {
    const problems = esbuildProblems(input.root, thrown, input.root);
    if (!problems) throw thrown;
    return { problems, bundled: false };
  }
  let modules: Record<string, Namespace>;
  try {
    const url = `data:text/javascript;base64,${Buffer.from(code).toString("base64")}`;
    modules = ((await import(url)) as { default: Record<string, Namespace> }).default;
  } catch (thrown) {
    // a module that needs the Workers runtime (cloudflare:*) or throws as it loads: the bundle check still runs
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    const why = /cloudflare:/.test(message) ? "they import a Workers-only module (cloudflare:*)" : message;
    return {
      problems: [warning("(modules)", `not loaded in Node, so their exports were not checked: ${why}`)],
      bundled: true,
    };
  }
  const lifecycle = input.hasLifecycle ? (modules["lifecycle.ts"] ?? null) : null;
  const problems = [
    ...input.handlers.flatMap((h) => {
      const mod = modules[h.file];
      return mod ? checkHandler(h, mod) : [];
    }),
    ...(input.hasPlugin && modules["plugin.ts"]
      ? checkPluginObject(modules["plugin.ts"], input.category, lifecycle)
      : []),
    ...(lifecycle ? checkLifecycle(lifecycle) : []),
  ];
  return { problems, bundled: true };
}
