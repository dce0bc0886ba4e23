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

/**
 * Builds `context.plugins` for one call: frozen, its keys exactly the manifest's dependencies.
 * `binding` is absent only where no platform runs the plugin; a call then fails saying so.
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
  const call = (dependency: string, service: string, args: unknown[]): Promise<unknown> => {
    if (!binding) {
      return Promise.reject(
        new Error(`${manifest.slug} cannot call ${dependency}.${service} here: no platform connects it to its dependencies`),
      );
    }
    const left = invocation.budget_ms === undefined ? undefined : invocation.budget_ms - (performance.now() - started);
    return binding.call(dependency, service, args, {
      ...(invocation.trace_id ? { trace_id: invocation.trace_id } : {}),
      ...(invocation.idempotency_key ? { idempotency_key: invocation.idempotency_key } : {}),
      ...(left === undefined ? {} : { timeout_ms: Math.max(1, Math.floor(left)) }),
    });
  };
  const clients: Record<string, unknown> = {};
  for (const { name: dependency } of manifest.dependencies) {
    clients[dependency] = new Proxy(Object.freeze({}), {
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
  return Object.freeze(clients) as PluginServiceClients;
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
      item.forEach((element, i) => pending.push([element, `${where}[${i}]`]));
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
    for (const [key, entry] of Object.entries(item)) pending.push([entry, `${where}.${key}`]);
  }
  return null;
}
