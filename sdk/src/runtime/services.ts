/**
 * `context.plugins` inside the isolate: one client per dependency the manifest names, each a proxy
 * that turns `client.formatMoney(1250, "USD")` into one call of the platform's PLUGINS binding. The
 * caller's isolate does not know the dependency's services, so any name is offered and the
 * dependency's isolate answers for it (a name it does not export is refused there, with the list).
 */
import type { PluginManifest } from "../manifest.ts";
import type { PluginServiceClients } from "../types.ts";
import type { Invocation, PluginsBinding } from "./protocol.ts";

/**
 * Names a client never turns into a call: `then` (or `await client` would call a service named
 * "then"), and what serialisers and inspectors probe on any object.
 */
export const NOT_SERVICE_NAMES: ReadonlySet<string> = new Set([
  "then",
  "catch",
  "finally",
  "toJSON",
  "constructor",
  "prototype",
  "__proto__",
  "valueOf",
  "toString",
  "inspect",
  "asymmetricMatch",
  "$$typeof",
  "nodeType",
]);

/** The shape a service name has: an identifier, as `client.name(...)` can write it. */
export const SERVICE_NAME = /^[A-Za-z_$][A-Za-z0-9_$]{0,99}$/;

/** Milliseconds of the caller's budget a dependency's call leaves to the caller. */
const RESERVE_MS = 100;

// the shape of a plugin slug (the manifest's rule, inlined: the schema library stays out of the isolate)
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A client whose every service turns into `call(dependency, service, args)`. */
function client(dependency: string, call: (dependency: string, service: string, args: unknown[]) => Promise<unknown>) {
  return new Proxy(Object.freeze({}), {
    get(_target, service) {
      if (typeof service !== "string" || NOT_SERVICE_NAMES.has(service) || !SERVICE_NAME.test(service)) {
        return undefined;
      }
      return (...args: unknown[]) => call(dependency, service, args);
    },
    // nothing to list or change: the dependency's isolate knows its services, this one does not
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}

/**
 * Builds `context.plugins` for one call: its keys exactly the manifest's dependencies. Any other
 * slug still answers a client, whose calls the platform refuses (and records) as it refuses a
 * plugin reaching for code it does not depend on: a clear error rather than "undefined is not a
 * function". `binding` is absent where the manifest declares no dependencies, or where no platform
 * runs the plugin; a call is then refused here with the same words.
 *
 * @example
 * const plugins = serviceClients(env.PLUGINS, manifest, invocation);
 * await plugins["core-utils"].formatMoney(1250, "USD");
 */
export function serviceClients(
  binding: PluginsBinding | undefined,
  manifest: PluginManifest,
  invocation: Invocation,
): PluginServiceClients {
  const started = performance.now();
  const declared = manifest.dependencies.map((d) => d.name);
  const call = (dependency: string, service: string, args: unknown[]): Promise<unknown> => {
    if (!binding) {
      const refusal = declared.includes(dependency)
        ? {
            code: "DEPENDENCY_NOT_ACTIVE",
            message: `${manifest.slug} cannot call ${dependency}.${service} here: no platform connects it to its dependencies.`,
          }
        : serviceRefusal.notADependency(manifest.slug, dependency, declared);
      return Promise.reject(new Error(`${refusal.code}: ${refusal.message}`));
    }
    // what is left of the caller's budget, less a moment for the caller to handle the answer (or the timeout)
    const left =
      invocation.budget_ms === undefined
        ? undefined
        : invocation.budget_ms - (performance.now() - started) - RESERVE_MS;
    return binding.call(dependency, service, args, {
      ...(invocation.trace_id ? { trace_id: invocation.trace_id } : {}),
      ...(invocation.idempotency_key ? { idempotency_key: invocation.idempotency_key } : {}),
      ...(left === undefined ? {} : { timeout_ms: Math.max(1, Math.floor(left)) }),
    });
  };
  const clients = Object.freeze(
    Object.fromEntries(declared.map((dependency) => [dependency, client(dependency, call)])),
  );
  return new Proxy(clients, {
    get(target, slug) {
      if (typeof slug !== "string") return undefined;
      if (Object.hasOwn(target, slug)) return target[slug];
      return SLUG.test(slug) && !NOT_SERVICE_NAMES.has(slug) ? client(slug, call) : undefined;
    },
  }) as unknown as PluginServiceClients;
}

const tagOf = (value: object) => {
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === "string" && ctor.name !== "" ? `a ${ctor.name}` : "an object with a prototype";
};

/**
 * Why `value` is not plain data a service may take or answer, naming where in it (`args[1].fee is a
 * function`), or null when it is: primitives, arrays, plain objects, Date, RegExp, Error, Map, Set,
 * ArrayBuffer and typed arrays. Functions (which RPC would turn into callbacks into the other
 * isolate), class instances, streams and symbols are refused.
 *
 * @example
 * plainDataProblem([1250, "USD"], "args"); // null
 * plainDataProblem([() => 1], "args"); // "args[0] is a function"
 */
export function plainDataProblem(value: unknown, path: string): string | null {
  const seen = new Set<object>();
  const pending: [unknown, string][] = [[value, path]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, where] = next;
    if (typeof item === "function") return `${where} is a function`;
    if (typeof item === "symbol") return `${where} is a symbol`;
    if (typeof item !== "object" || item === null || seen.has(item)) continue;
    seen.add(item);
    if (Array.isArray(item)) {
      // pushed last to first, so the first problem in reading order is the one reported
      for (let i = item.length - 1; i >= 0; i--) pending.push([item[i], `${where}[${i}]`]);
      continue;
    }
    if (item instanceof Map) {
      for (const [key, entry] of item) pending.push([key, `${where} key`], [entry, `${where}.get(${String(key)})`]);
      continue;
    }
    if (item instanceof Set) {
      for (const entry of item) pending.push([entry, `${where} entry`]);
      continue;
    }
    if (item instanceof Date || item instanceof RegExp || item instanceof Error) continue;
    if (item instanceof ArrayBuffer || ArrayBuffer.isView(item)) continue;
    const proto = Object.getPrototypeOf(item);
    if (proto !== Object.prototype && proto !== null) return `${where} is ${tagOf(item)}, not plain data`;
    for (const [key, entry] of Object.entries(item).reverse()) pending.push([entry, `${where}.${key}`]);
  }
  return null;
}

export type ServiceRefusalCode = "NOT_A_DEPENDENCY" | "DEPENDENCY_NOT_ACTIVE" | "UNKNOWN_SERVICE" | "INVALID_ARGUMENT";

/**
 * What a service call is refused with, worded once for the platform and the SDK's test context so a
 * plugin's tests meet the messages production gives.
 *
 * @example
 * serviceRefusal.unknownService("core-utils", "frobnicate", ["formatMoney"]).message;
 * // "core-utils has no service frobnicate; its services are formatMoney."
 */
export const serviceRefusal = {
  notADependency: (caller: string, dependency: string, dependencies: readonly string[]) => ({
    code: "NOT_A_DEPENDENCY" as const,
    message: `${caller} does not depend on ${dependency}, so it cannot call its services; its manifest's dependencies are ${dependencies.length > 0 ? dependencies.join(", ") : "none"}.`,
  }),
  notActive: (caller: string, dependency: string, state: string | null) => ({
    code: "DEPENDENCY_NOT_ACTIVE" as const,
    message:
      state === null
        ? `${caller} depends on ${dependency}, which is not installed for this tenant; install it.`
        : `${caller} depends on ${dependency}, which is ${state} for this tenant, not active; activate it first.`,
  }),
  unknownService: (dependency: string, service: string, services: readonly string[]) => ({
    code: "UNKNOWN_SERVICE" as const,
    message: `${dependency} has no service ${service}; ${services.length > 0 ? `its services are ${services.join(", ")}` : "it exports no services"}.`,
  }),
  notPlainData: (dependency: string, service: string, problem: string) => ({
    code: "INVALID_ARGUMENT" as const,
    message: `${dependency}.${service} takes plain data only (arguments are copied into its isolate): ${problem}.`,
  }),
} satisfies Record<string, (...args: never[]) => { code: ServiceRefusalCode; message: string }>;
