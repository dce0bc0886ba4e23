/**
 * A real PluginContext for a plugin's own tests in Node: built by the same `buildContext` the
 * isolate uses, over in-memory capabilities that keep the platform's rules. Only the
 * capabilities the manifest declares exist in it, as on the platform; what the plugin logs,
 * emits, tracks and requests is recorded for the test to read. `context.plugins` reaches the
 * dependencies the test supplies (their real services, each run with its own test context).
 */
import type { PluginManifest } from "../manifest.ts";
import { buildContext } from "../runtime/context.ts";
import type { CapabilityEnv, EventsBinding, Invocation, LogBinding, LogLevel } from "../runtime/protocol.ts";
import type { DeliveryInfo, PluginContext, PluginServices, TenantInfo } from "../types.ts";
import { memoryDatabase } from "./database.ts";
import { dependencyBinding } from "./dependencies.ts";
import { type EgressRecord, egressGate } from "./egress.ts";
import { memoryCache, memoryStorage } from "./stores.ts";

/** One line the plugin logged, sensitive setting values already replaced by `[redacted]`. */
export interface LogLine {
  level: LogLevel;
  message: string;
  meta?: Record<string, unknown>;
  error?: { name: string; message: string };
}

export interface EmittedEvent {
  event: string;
  data: unknown;
}

export interface TrackedEvent {
  event: string;
  properties: Record<string, unknown>;
}

export interface TestContextOptions {
  /** The plugin's manifest (`import { manifest } from "./manifest.ts"`): capabilities, hosts, migrations, settings. */
  manifest: PluginManifest;
  /** The tenant's settings of the plugin; the manifest's defaults fill in what is left out. */
  config?: Record<string, unknown>;
  /** The tenant the call runs for; a "test-store" tenant by default. */
  tenant?: Partial<TenantInfo>;
  /**
   * Where `context.http` sends requests to the hosts the manifest lists (a stand-in for the
   * provider's API); the real network when left out. Requests to other hosts never get here.
   */
  fetch?: (request: Request) => Promise<Response>;
  /** Makes the call a queued delivery (`context.delivery`), as for a notification hook. */
  delivery?: DeliveryInfo;
  /** `context.idempotency_key`; a delivery's key when left out. */
  idempotency_key?: string;
  /**
   * The plugins `context.plugins` reaches, by slug: each dependency's manifest and its real
   * `services`, run with a test context of its own (its `config`, its in-memory db) for the same
   * tenant. Only slugs the manifest lists as dependencies may be given.
   */
  dependencies?: Record<string, TestDependency>;
}

/**
 * A dependency in a test: the plugin itself, not a stand-in. Its services run with its own context,
 * as they run in its own isolate on the platform.
 *
 * @example
 * import { manifest as coreUtils } from "../core-utils/manifest.ts";
 * import { services } from "../core-utils/plugin.ts";
 * const dependency: TestDependency = { manifest: coreUtils, services, config: { exchange_rates: { USD: 1, EUR: 0.92 } } };
 */
export interface TestDependency extends Omit<TestContextOptions, "tenant" | "delivery" | "idempotency_key"> {
  /** What the dependency's `plugin.ts` exports as `services`. */
  services: PluginServices;
}

export interface TestContext {
  /** Hand this to the handler, endpoint, lifecycle callback or category method under test. */
  context: PluginContext;
  logs: LogLine[];
  emitted: EmittedEvent[];
  tracked: TrackedEvent[];
  /** Every request `context.http` made, with whether the egress gate let it through. */
  requests: EgressRecord[];
  /** Each dependency given, with what its services logged, emitted, tracked and requested. */
  dependencies: Record<string, TestPlugin>;
  /** Closes the in-memory databases (the plugin's and its dependencies'). */
  close(): void;
}

/** A plugin's capabilities in a test, kept across the calls made with it: a context is built per call. */
export interface TestPlugin extends Omit<TestContext, "context"> {
  /** A context for one call, as the platform builds one per call. */
  contextFor(call: { idempotency_key?: string; trace_id?: string; delivery?: DeliveryInfo }): PluginContext;
}

// the platform's rule for event names (its events capability)
const EVENT_NAME = /^[a-z0-9][a-z0-9_.-]{0,99}$/i;

function configOf(manifest: PluginManifest, given: Record<string, unknown>): Record<string, unknown> {
  const settings = manifest.settings_schema;
  const unknown = Object.keys(given).filter((key) => !Object.hasOwn(settings, key));
  if (unknown.length > 0) {
    const known = Object.keys(settings);
    throw new Error(
      `config.${unknown[0]}: not a setting of ${manifest.slug}; its settings are ${known.length ? known.join(", ") : "none"}`,
    );
  }
  const defaults = Object.entries(settings).filter(([, spec]) => spec.default !== undefined);
  return { ...Object.fromEntries(defaults.map(([key, spec]) => [key, spec.default])), ...given };
}

/** The platform replaces the plugin's sensitive setting values wherever they appear in a log line. */
function redactor(manifest: PluginManifest, config: Record<string, unknown>): (text: string) => string {
  const secrets = Object.entries(manifest.settings_schema)
    .filter(([key, spec]) => spec.sensitive && config[key] !== undefined)
    .map(([key]) => (typeof config[key] === "string" ? config[key] : JSON.stringify(config[key])))
    .filter((secret) => secret.length >= 4);
  return (text) => secrets.reduce((out, secret) => out.split(secret).join("[redacted]"), text);
}

function recordingLog(lines: LogLine[], redact: (text: string) => string): LogBinding {
  return {
    write(level, message, meta, error) {
      const fields = JSON.parse(redact(JSON.stringify({ meta, error }))) as Pick<LogLine, "meta" | "error">;
      lines.push({ level, message: redact(String(message)), ...fields });
    },
  };
}

function recordingEvents(emitted: EmittedEvent[], tracked: TrackedEvent[]): EventsBinding {
  const check = (event: string) => {
    if (!EVENT_NAME.test(event)) {
      throw new Error(`INVALID_ARGUMENT: an event name is 1-100 letters, digits, '.', '_' or '-'; got "${event}"`);
    }
  };
  // what crosses to the platform is JSON
  const copy = (value: unknown) => JSON.parse(JSON.stringify(value ?? null)) as unknown;
  return {
    async emit(event, data) {
      check(event);
      emitted.push({ event, data: copy(data) });
    },
    async track(event, properties) {
      check(event);
      tracked.push({ event, properties: copy(properties) as Record<string, unknown> });
    },
  };
}

/**
 * Builds a PluginContext for one tenant and this plugin, as the platform would for a call.
 *
 * @example
 * import { createTestContext } from "@digital-commerce/plugin-sdk/testing";
 * import { manifest } from "./manifest.ts";
 * import handler from "./src/hooks/beforePaymentProcess.ts";
 *
 * const t = createTestContext({ manifest, config: { minimum_amount: 1 } });
 * await assert.rejects(handler(t.context, { payment: { amount: 0.5, currency: "USD", metadata: {} } }));
 * t.logs; // [{ level: "info", message: "payment refused", ... }]
 */
export function createTestContext(options: TestContextOptions): TestContext {
  const tenant: TenantInfo = {
    id: "tenant_test",
    slug: "test-store",
    name: "Test Store",
    settings: {},
    ...options.tenant,
  };
  const { contextFor, ...plugin } = testPlugin(options, tenant);
  const idempotencyKey = options.idempotency_key ?? options.delivery?.idempotency_key;
  const context = contextFor({
    ...(idempotencyKey ? { idempotency_key: idempotencyKey } : {}),
    ...(options.delivery ? { delivery: options.delivery } : {}),
  });
  return { context, ...plugin };
}

/** The capabilities of the plugin `options` describes, for `tenant`; its dependencies' too, recursively. */
export function testPlugin(options: Omit<TestContextOptions, "tenant">, tenant: TenantInfo): TestPlugin {
  const { manifest } = options;
  const config = configOf(manifest, options.config ?? {});
  const granted = new Set(manifest.permissions.capabilities);
  const logs: LogLine[] = [];
  const emitted: EmittedEvent[] = [];
  const tracked: TrackedEvent[] = [];
  const requests: EgressRecord[] = [];
  const db = granted.has("db") ? memoryDatabase(manifest.migrations) : undefined;
  const dependencies = dependencyBinding(manifest, options.dependencies ?? {}, (dependency) =>
    testPlugin(dependency, tenant),
  );
  const env: CapabilityEnv = {
    ...(db ? { DB: db } : {}),
    ...(granted.has("cache") ? { CACHE: memoryCache(() => Date.now()) } : {}),
    ...(granted.has("storage") ? { STORAGE: memoryStorage() } : {}),
    ...(granted.has("events") ? { EVENTS: recordingEvents(emitted, tracked) } : {}),
    ...(granted.has("logger") ? { LOG: recordingLog(logs, redactor(manifest, config)) } : {}),
    ...(granted.has("http") ? { HTTP: true as const } : {}),
    PLUGINS: dependencies.binding,
  };
  const upstream = options.fetch ?? ((request: Request) => fetch(request));
  const egress = egressGate(manifest.slug, manifest.permissions.network, upstream, requests);
  const contextFor: TestPlugin["contextFor"] = (call) => {
    const invocation: Invocation = {
      tenant,
      plugin: { id: `${manifest.slug}@${manifest.version}`, slug: manifest.slug, version: manifest.version, config },
      ...call,
    };
    return buildContext(env, manifest, invocation, egress).context;
  };
  return {
    contextFor,
    logs,
    emitted,
    tracked,
    requests,
    dependencies: dependencies.contexts,
    close: () => {
      db?.close();
      dependencies.close();
    },
  };
}
