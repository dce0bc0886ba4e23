/**
 * The entrypoint a plugin bundle exports: the platform calls these RPC methods,
 * each with the tenant's invocation, and the handler named in the manifest (or
 * the category method of plugin.ts) runs with a PluginContext built from the
 * granted capabilities.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { PERMANENT_FAILURE_MARK } from "../failures.ts";
import type { PluginManifest } from "../manifest.ts";
import type { BasePlugin, MethodOutcome } from "../types.ts";
import type { UiInput } from "../ui/module.ts";
import type { WebhookEvent, WebhookVerdict } from "../webhooks.ts";
import { buildContext } from "./context.ts";
import { startBudget } from "./guard.ts";
import type {
  CapabilityEnv,
  Invocation,
  LifecycleName,
  PluginWorkerApi,
  ServiceOutcome,
  UpgradeDetail,
} from "./protocol.ts";

export interface PluginWorkerDefinition {
  manifest: PluginManifest;
  /** Each handler module's default export, by the path the manifest names it with. */
  handlers: Record<string, unknown>;
  lifecycle?: Partial<Pick<BasePlugin, LifecycleName>>;
  /** `plugin.ts`'s default export: the category's methods, and lifecycle callbacks not in lifecycle.ts. */
  plugin?: Record<string, unknown>;
  /**
   * The methods the platform may call: `categoryMethods` of the manifest's category, inlined by the
   * bundler so the SDK's schema library stays out of the isolate.
   */
  methods?: readonly string[];
  /** `plugin.ts`'s named export `services`: what the plugins depending on this one may call. */
  services?: Record<string, unknown>;
  /** Each UI module's default export (widgets, settings component), by the path the manifest names it with. */
  ui?: Record<string, unknown>;
}

type PluginFunction = (...args: unknown[]) => unknown;

const DEFAULT_BUDGET_MS = 10_000;

function handlerOf(definition: PluginWorkerDefinition, path: string): PluginFunction {
  const fn = definition.handlers[path];
  if (typeof fn !== "function")
    throw new Error(`handler ${path} is not in this bundle or its default export is not a function`);
  return fn as PluginFunction;
}

function methodOf(definition: PluginWorkerDefinition, method: string): PluginFunction {
  const { slug, category } = definition.manifest;
  const methods = definition.methods ?? [];
  if (!methods.includes(method)) {
    const offered = methods.length > 0 ? `the category's methods are ${methods.join(", ")}` : "the category has none";
    throw new Error(`${slug} (category ${category}) has no method ${method}; ${offered}`);
  }
  const fn = definition.plugin?.[method];
  if (typeof fn !== "function") {
    throw new Error(`${slug} does not implement ${method}: add it to the default export of its plugin.ts`);
  }
  // `this` is the plugin object, so a method may call the plugin's other methods
  return (fn as PluginFunction).bind(definition.plugin);
}

/** The service by that name, own property only: `constructor` or `toString` is never a service. */
function serviceOf(definition: PluginWorkerDefinition, service: string): PluginFunction | null {
  const services = definition.services ?? {};
  const fn = Object.hasOwn(services, service) ? services[service] : undefined;
  // `this` is the services object, so a service may call the plugin's other services
  return typeof fn === "function" ? (fn as PluginFunction).bind(services) : null;
}

function uiModuleOf(definition: PluginWorkerDefinition, path: string): PluginFunction {
  const ui = definition.ui ?? {};
  const fn = Object.hasOwn(ui, path) ? ui[path] : undefined;
  if (typeof fn !== "function")
    throw new Error(`UI module ${path} is not in this bundle or its default export is not a function`);
  return fn as PluginFunction;
}

/**
 * What a UI module returned, as plain data: a fragment (a list) is drawn as a Stack of its nodes, and
 * the JSON round trip drops what RPC would otherwise carry as stubs (functions, class instances).
 */
function plainTree(rendered: unknown): unknown {
  const tree = Array.isArray(rendered) ? { type: "Stack", props: {}, children: rendered } : rendered;
  if (tree === undefined) throw new Error("the UI module returned nothing; return a UI tree (JSX)");
  return JSON.parse(JSON.stringify(tree)) as unknown;
}

const serviceNames = (definition: PluginWorkerDefinition) =>
  Object.entries(definition.services ?? {})
    .filter(([, fn]) => typeof fn === "function")
    .map(([name]) => name)
    .sort();

function lifecycleOf(definition: PluginWorkerDefinition, callback: LifecycleName): PluginFunction | null {
  const inFile = definition.lifecycle?.[callback];
  const inPlugin = definition.plugin?.[callback];
  if (typeof inFile === "function" && typeof inPlugin === "function") {
    // two callbacks for one transition would run in an order nobody chose; the author keeps one
    throw new Error(`${callback} is defined in both lifecycle.ts and plugin.ts; keep one of them`);
  }
  if (typeof inFile === "function") return inFile as PluginFunction;
  if (typeof inPlugin === "function") return (inPlugin as PluginFunction).bind(definition.plugin);
  return null;
}

const failureOf = (error: unknown): { name: string; message: string } =>
  error instanceof Error
    ? { name: String(error.name), message: String(error.message) }
    : { name: "Error", message: String(error) };

/** The entrypoint class: named, not inferred, since a declaration file cannot spell a class expression's private members. */
type PluginWorkerClass = new (
  ctx: ExecutionContext,
  env: CapabilityEnv,
) => WorkerEntrypoint<CapabilityEnv> & PluginWorkerApi;

/**
 * Wraps a plugin's handlers as its isolate's entrypoint. The bundler generates the call;
 * plugin authors do not write it.
 *
 * @example
 * export default definePluginWorker({ manifest, handlers: { "src/hooks/x.ts": x } });
 */
export function definePluginWorker(definition: PluginWorkerDefinition): PluginWorkerClass {
  return class PluginWorker extends WorkerEntrypoint<CapabilityEnv> implements PluginWorkerApi {
    /**
     * The isolate's env, and the stubs the platform binds to this one call (its entrypoint's props):
     * the capabilities its quotas count per call reach the plugin only that way.
     */
    private capabilities(): CapabilityEnv {
      const props = this.ctx.props as { capabilities?: CapabilityEnv } | undefined;
      return { ...this.env, ...(props?.capabilities ?? {}) };
    }

    async runHook(handler: string, payload: unknown, invocation: Invocation): Promise<unknown> {
      startBudget(invocation.budget_ms ?? DEFAULT_BUDGET_MS);
      const fn = handlerOf(definition, handler);
      const call = buildContext(this.capabilities(), definition.manifest, invocation);
      try {
        return await fn(call.context, payload);
      } catch (error) {
        // RPC carries an error's message, not its class: the mark tells the platform not to retry
        if (error instanceof Error && error.name === "PermanentFailure")
          throw new Error(`${PERMANENT_FAILURE_MARK}: ${error.message}`);
        throw error;
      } finally {
        await call.settle();
      }
    }

    async handleRequest(handler: string, request: Request, invocation: Invocation): Promise<Response> {
      startBudget(invocation.budget_ms ?? DEFAULT_BUDGET_MS);
      const fn = handlerOf(definition, handler);
      const call = buildContext(this.capabilities(), definition.manifest, invocation);
      try {
        const result = await fn(call.context, request);
        return result instanceof Response ? result : Response.json(result ?? null);
      } finally {
        await call.settle();
      }
    }

    async verifyWebhook(handler: string, request: Request, invocation: Invocation): Promise<WebhookVerdict> {
      startBudget(invocation.budget_ms ?? DEFAULT_BUDGET_MS);
      const fn = handlerOf(definition, handler);
      const call = buildContext(this.capabilities(), definition.manifest, invocation);
      try {
        return { accepted: true, event: (await fn(call.context, request)) as WebhookEvent };
      } catch (error) {
        // a refusal is an answer for the provider; anything else is the plugin failing, which the provider retries.
        // Matched by name: the runtime imports nothing of the SDK's schema module, which holds the class.
        if (error instanceof Error && error.name === "WebhookRefusal")
          return { accepted: false, message: error.message };
        throw error;
      } finally {
        await call.settle();
      }
    }

    async runLifecycle(callback: LifecycleName, invocation: Invocation, upgrade?: UpgradeDetail): Promise<boolean> {
      const fn = lifecycleOf(definition, callback);
      if (!fn) return false;
      startBudget(invocation.budget_ms ?? DEFAULT_BUDGET_MS);
      const call = buildContext(this.capabilities(), definition.manifest, invocation);
      try {
        await (upgrade === undefined ? fn(call.context) : fn(call.context, upgrade));
      } finally {
        await call.settle();
      }
      return true;
    }

    async runMethod(method: string, args: unknown[], invocation: Invocation): Promise<unknown> {
      const fn = methodOf(definition, method);
      startBudget(invocation.budget_ms ?? DEFAULT_BUDGET_MS);
      const call = buildContext(this.capabilities(), definition.manifest, invocation);
      try {
        return await fn(call.context, ...args);
      } finally {
        await call.settle();
      }
    }

    async runMethodBatch(method: string, argsList: unknown[][], invocation: Invocation): Promise<MethodOutcome[]> {
      const fn = methodOf(definition, method);
      // one budget for the whole batch: it is one call for the platform's timeout too
      startBudget(invocation.budget_ms ?? DEFAULT_BUDGET_MS);
      const outcomes: MethodOutcome[] = [];
      // one after another: a batch exists to save round trips, not to load the plugin's backends in parallel
      for (const args of argsList) {
        const call = buildContext(this.capabilities(), definition.manifest, invocation);
        try {
          outcomes.push({ ok: true, value: await fn(call.context, ...args) });
        } catch (error) {
          outcomes.push({ ok: false, error: failureOf(error) });
        } finally {
          await call.settle();
        }
      }
      return outcomes;
    }

    async renderUi(module: string, input: UiInput, invocation: Invocation): Promise<unknown> {
      const fn = uiModuleOf(definition, module);
      startBudget(invocation.budget_ms ?? DEFAULT_BUDGET_MS);
      const call = buildContext(this.capabilities(), definition.manifest, invocation);
      try {
        return plainTree(await fn(call.context, input));
      } finally {
        await call.settle();
      }
    }

    async runService(service: string, args: unknown[], invocation: Invocation): Promise<ServiceOutcome> {
      const fn = serviceOf(definition, service);
      if (!fn) return { found: false, services: serviceNames(definition) };
      startBudget(invocation.budget_ms ?? DEFAULT_BUDGET_MS);
      // the context is this plugin's own: its config, its db, the tenant the caller runs for
      const call = buildContext(this.capabilities(), definition.manifest, invocation);
      try {
        return { found: true, value: await fn(call.context, ...args) };
      } finally {
        await call.settle();
      }
    }
  };
}
