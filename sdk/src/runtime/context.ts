/**
 * Builds the spec's PluginContext inside the plugin isolate from the capability
 * stubs the platform granted. A capability that was not granted is absent from
 * the context, as it is from the isolate's env.
 */
import type { PluginManifest } from "../manifest.ts";
import { type PluginSessions, SessionError, type SessionOutcome } from "../sessions.ts";
import type { PluginContext, PluginLogger } from "../types.ts";
import type {
  CapabilityEnv,
  Invocation,
  LogBinding,
  LogBudget,
  LogLevel,
  LogQuota,
  SessionsBinding,
} from "./protocol.ts";
import { serviceClients } from "./services.ts";
import { runTransaction } from "./transaction.ts";

// the log capability keeps this much of a message; a line's size is measured as it measures it
const MAX_MESSAGE = 4_096;

/** A line's fields as the capability measures them; fields JSON cannot write (a cycle, a BigInt) count nothing here. */
function fieldsLength(meta: unknown, error: unknown): number {
  try {
    return (JSON.stringify({ meta, error }) ?? "").length;
  } catch {
    // logging never fails the call: the line goes on, and the capability's own measure decides it
    return 0;
  }
}

/**
 * The spec's logger is synchronous; its lines are RPC calls the call settles before it returns. Past the
 * call's budget (when the platform sends one) a line is dropped and counted here, never sent: the drops
 * reach the platform as one count when the call settles.
 */
function logger(log: LogBinding, pending: Promise<unknown>[], budget: LogBudget | undefined) {
  let lines = budget?.lines ?? Number.POSITIVE_INFINITY;
  let bytes = budget?.bytes ?? Number.POSITIVE_INFINITY;
  let spent: LogQuota | null = null;
  const dropped = { lines: 0, bytes: 0 };
  const write = (level: LogLevel, message: string, meta?: Record<string, unknown>, error?: Error) => {
    const cause = error ? { name: String(error.name), message: String(error.message) } : undefined;
    const text = String(message);
    if (budget) {
      const size = text.slice(0, MAX_MESSAGE).length + fieldsLength(meta, cause);
      // once a quota runs out the rest of the call's lines are dropped, as the capability does
      if (spent === null && lines < 1) spent = "log_lines_per_call";
      if (spent === null && bytes < size) spent = "log_bytes_per_call";
      if (spent !== null) {
        dropped.lines++;
        dropped.bytes += size;
        return;
      }
      lines--;
      bytes -= size;
    }
    pending.push(Promise.resolve(log.write(level, text, meta, cause)).catch(() => undefined));
  };
  const api: PluginLogger = {
    debug: (message, meta) => write("debug", message, meta),
    info: (message, meta) => write("info", message, meta),
    warn: (message, meta) => write("warn", message, meta),
    error: (message, error, meta) => write("error", message, meta, error),
  };
  const report = async () => {
    if (dropped.lines === 0 || !log.dropped) return;
    const count = { ...dropped };
    dropped.lines = 0;
    dropped.bytes = 0;
    await Promise.resolve(log.dropped(count.lines, count.bytes, spent ?? "log_lines_per_call")).catch(() => undefined);
  };
  return { api, report };
}

/** The platform's answer, or the SessionError it stands for: a class does not cross the isolate boundary. */
function settled<T>(outcome: SessionOutcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new SessionError(outcome.error.code, outcome.error.message, outcome.error.reason);
}

/** Each call carries the request's trace id: the platform finds the session this request opened by it. */
function sessions(binding: SessionsBinding, invocation: Invocation): PluginSessions {
  const options = invocation.trace_id ? { trace_id: invocation.trace_id } : {};
  return {
    signIn: async (credentials) => settled(await binding.signIn(credentials, options)),
    signOut: async (sessionId = invocation.session?.id) => {
      if (!sessionId) {
        throw new SessionError("NO_SESSION", "This request carries no session of this plugin to sign out.");
      }
      settled(await binding.signOut(sessionId, options));
    },
  };
}

export interface CallContext {
  context: PluginContext;
  /** Waits for work the handler started and did not await (log lines). */
  settle(): Promise<void>;
}

/**
 * `egress` is what `context.http` sends requests through: the isolate's global `fetch` (whose only
 * way out is the platform's egress gate) unless given; the SDK's test context gives its own gate.
 */
export function buildContext(
  env: CapabilityEnv,
  manifest: PluginManifest,
  invocation: Invocation,
  egress?: typeof fetch,
): CallContext {
  const pending: Promise<unknown>[] = [];
  const listeners = new Map<string, ((data: unknown) => Promise<void>)[]>();
  const context: Partial<PluginContext> = {
    tenant: invocation.tenant,
    plugin: { id: invocation.plugin.id, slug: invocation.plugin.slug, manifest, config: invocation.plugin.config },
    ...(invocation.delivery ? { delivery: invocation.delivery } : {}),
    ...(invocation.idempotency_key ? { idempotency_key: invocation.idempotency_key } : {}),
    ...(invocation.params ? { params: invocation.params } : {}),
  };
  const { DB, CACHE, STORAGE, EVENTS, LOG, HTTP, SESSIONS } = env;
  if (DB) {
    const one = async (sql: string, params: unknown[] = []) => (await DB.query(sql, params))[0] ?? null;
    context.db = {
      query: (sql, params = []) => DB.query(sql, params),
      one,
      transaction: (callback) => runTransaction(DB, callback),
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
      get: (url, options) => (egress ?? fetch)(url, { ...options, method: "GET" }),
      post: (url, data, options) =>
        (egress ?? fetch)(url, {
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
      track: (event, properties) => EVENTS.track(event, properties ?? {}),
    };
  }
  const log = LOG ? logger(LOG, pending, invocation.log_budget) : null;
  if (log) context.logger = log.api;
  if (SESSIONS) {
    context.sessions = sessions(SESSIONS, invocation);
    if (invocation.session) context.session = invocation.session;
  }
  // not a capability: always there, holding exactly the manifest's dependencies (none: empty)
  context.plugins = serviceClients(env.PLUGINS, manifest, invocation);
  return {
    context: context as PluginContext,
    settle: async () => {
      await Promise.allSettled(pending);
      await log?.report();
    },
  };
}
