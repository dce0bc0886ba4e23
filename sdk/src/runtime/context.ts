/**
 * Builds the spec's PluginContext inside the plugin isolate from the capability
 * stubs the platform granted. A capability that was not granted is absent from
 * the context, as it is from the isolate's env.
 */
import type { PluginManifest } from "../manifest.ts";
import type { PluginContext, PluginLogger } from "../types.ts";
import type { CapabilityEnv, Invocation, LogBinding } from "./protocol.ts";

function logger(log: LogBinding): PluginLogger {
  const write = (level: "debug" | "info" | "warn", message: string, meta?: Record<string, unknown>) =>
    log.write(level, String(message), meta);
  return {
    debug: (message, meta) => write("debug", message, meta),
    info: (message, meta) => write("info", message, meta),
    warn: (message, meta) => write("warn", message, meta),
    error: (message, error, meta) =>
      log.write("error", String(message), meta, error ? { name: error.name, message: error.message } : undefined),
  };
}

export function buildContext(env: CapabilityEnv, manifest: PluginManifest, invocation: Invocation): PluginContext {
  const listeners = new Map<string, ((data: unknown) => Promise<void>)[]>();
  const context: Partial<PluginContext> = {
    tenant: invocation.tenant,
    plugin: { id: invocation.plugin.id, slug: invocation.plugin.slug, manifest, config: invocation.plugin.config },
  };
  const { DB, CACHE, STORAGE, EVENTS, LOG, HTTP } = env;
  if (DB) {
    const one = async (sql: string, params: unknown[] = []) => (await DB.query(sql, params))[0] ?? null;
    context.db = {
      query: (sql, params = []) => DB.query(sql, params),
      one,
      transaction: async (callback) =>
        (await DB.transaction(async (tx) =>
          callback({
            query: (sql, params = []) => tx.query(sql, params),
            one: async (sql, params = []) => (await tx.query(sql, params))[0] ?? null,
          }),
        )) as never,
    };
  }
  if (CACHE) {
    context.cache = {
      get: (key) => CACHE.get(key),
      set: (key, value, ttl) => CACHE.set(key, value, ttl),
      delete: (key) => CACHE.delete(key),
    };
  }
  if (STORAGE) {
    context.storage = {
      upload: (key, data, metadata) => STORAGE.upload(key, data, metadata),
      download: (key) => STORAGE.download(key),
      delete: (key) => STORAGE.delete(key),
    };
  }
  if (HTTP) {
    // plain fetch: the isolate's only way out is the platform's egress gate, which checks the host
    context.http = {
      get: (url, options) => fetch(url, { ...options, method: "GET" }),
      post: (url, data, options) =>
        fetch(url, {
          ...options,
          method: "POST",
          headers: { "content-type": "application/json", ...(options?.headers as Record<string, string> | undefined) },
          body: data === undefined ? undefined : typeof data === "string" ? data : JSON.stringify(data),
        }),
    };
  }
  if (EVENTS) {
    context.events = {
      emit: async (event, data) => {
        await EVENTS.emit(event, data);
        for (const handler of listeners.get(event) ?? []) await handler(data);
      },
      on: (event, handler) => {
        listeners.set(event, [...(listeners.get(event) ?? []), handler]);
      },
    };
  }
  if (LOG) context.logger = logger(LOG);
  return context as PluginContext;
}
