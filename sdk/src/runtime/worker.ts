/**
 * The entrypoint a plugin bundle exports: the platform calls these RPC methods,
 * each with the tenant's invocation, and the handler named in the manifest runs
 * with a PluginContext built from the granted capabilities.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { PluginManifest } from "../manifest.ts";
import type { BasePlugin } from "../types.ts";
import { buildContext } from "./context.ts";
import { startBudget } from "./guard.ts";
import type { CapabilityEnv, Invocation, LifecycleName, PluginWorkerApi } from "./protocol.ts";

export interface PluginWorkerDefinition {
  manifest: PluginManifest;
  /** Each handler module's default export, by the path the manifest names it with. */
  handlers: Record<string, unknown>;
  lifecycle?: Partial<Pick<BasePlugin, LifecycleName>>;
}

const DEFAULT_BUDGET_MS = 10_000;

function handlerOf(definition: PluginWorkerDefinition, path: string): (...args: unknown[]) => unknown {
  const fn = definition.handlers[path];
  if (typeof fn !== "function")
    throw new Error(`handler ${path} is not in this bundle or its default export is not a function`);
  return fn as (...args: unknown[]) => unknown;
}

/**
 * Wraps a plugin's handlers as its isolate's entrypoint. The bundler generates the call;
 * plugin authors do not write it.
 *
 * @example
 * export default definePluginWorker({ manifest, handlers: { "src/hooks/x.ts": x } });
 */
export function definePluginWorker(definition: PluginWorkerDefinition) {
  return class PluginWorker extends WorkerEntrypoint<CapabilityEnv> implements PluginWorkerApi {
    async runHook(handler: string, payload: unknown, invocation: Invocation): Promise<unknown> {
      startBudget(invocation.budget_ms ?? DEFAULT_BUDGET_MS);
      const fn = handlerOf(definition, handler);
      const call = buildContext(this.env, definition.manifest, invocation);
      try {
        return await fn(call.context, payload);
      } finally {
        await call.settle();
      }
    }

    async handleRequest(handler: string, request: Request, invocation: Invocation): Promise<Response> {
      startBudget(invocation.budget_ms ?? DEFAULT_BUDGET_MS);
      const fn = handlerOf(definition, handler);
      const call = buildContext(this.env, definition.manifest, invocation);
      try {
        const result = await fn(call.context, request);
        return result instanceof Response ? result : Response.json(result ?? null);
      } finally {
        await call.settle();
      }
    }

    async runLifecycle(callback: LifecycleName, invocation: Invocation): Promise<boolean> {
      const fn = definition.lifecycle?.[callback];
      if (typeof fn !== "function") return false;
      startBudget(invocation.budget_ms ?? DEFAULT_BUDGET_MS);
      const call = buildContext(this.env, definition.manifest, invocation);
      try {
        await fn(call.context);
      } finally {
        await call.settle();
      }
      return true;
    }
  };
}
