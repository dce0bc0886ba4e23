/**
 * The entrypoint a plugin bundle exports: the platform calls these RPC methods,
 * each with the tenant's invocation, and the handler named in the manifest runs
 * with a PluginContext built from the granted capabilities.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { PluginManifest } from "../manifest.ts";
import type { BasePlugin } from "../types.ts";
import { buildContext } from "./context.ts";
import type { CapabilityEnv, Invocation, LifecycleName, PluginWorkerApi } from "./protocol.ts";

export interface PluginWorkerDefinition {
  manifest: PluginManifest;
  /** Each handler module's default export, by the path the manifest names it with. */
  handlers: Record<string, unknown>;
  lifecycle?: Partial<Pick<BasePlugin, LifecycleName>>;
}

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
      const context = buildContext(this.env, definition.manifest, invocation);
      return await handlerOf(definition, handler)(context, payload);
    }

    async handleRequest(handler: string, request: Request, invocation: Invocation): Promise<Response> {
      const context = buildContext(this.env, definition.manifest, invocation);
      const result = await handlerOf(definition, handler)(context, request);
      if (result instanceof Response) return result;
      return Response.json(result ?? null);
    }

    async runLifecycle(callback: LifecycleName, invocation: Invocation): Promise<boolean> {
      const fn = definition.lifecycle?.[callback];
      if (typeof fn !== "function") return false;
      await fn(buildContext(this.env, definition.manifest, invocation));
      return true;
    }
  };
}
