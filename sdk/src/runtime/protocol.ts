/**
 * The contract between the platform and a plugin isolate: what each call carries,
 * and the capability bindings the platform may put in the isolate's env. Only the
 * capabilities a tenant granted are present; the rest do not exist in the isolate.
 */
import type { SessionOutcome, SignedInSession, StoreSession } from "../sessions.ts";
import type { DeliveryInfo, MethodOutcome, Row, TenantInfo } from "../types.ts";
import type { UiInput } from "../ui/module.ts";
import type { WebhookVerdict } from "../webhooks.ts";

/** What the platform sends with every call into a plugin isolate. */
export interface Invocation {
  tenant: TenantInfo;
  plugin: { id: string; slug: string; version: string; config: Record<string, unknown> };
  /** Stable across retries of the same delivery, for idempotent calls to external APIs. */
  idempotency_key?: string;
  trace_id?: string;
  /** Present when the call delivers a queued event; the plugin sees it as `context.delivery`. */
  delivery?: DeliveryInfo;
  /** Milliseconds this call may run; the loop guard stops loops past it. */
  budget_ms?: number;
  /**
   * What this call may log (the tenant's log_lines_per_call and log_bytes_per_call for the plugin): the
   * isolate's logger drops and counts lines past it itself, so a flood costs one round trip, not one a line.
   * The platform's log capability enforces the same budget whatever the isolate does.
   */
  log_budget?: LogBudget;
  /**
   * The store session the request's `dcp_session` cookie names, when this plugin holds `sessions` and
   * opened that session itself; the plugin sees it as `context.session`, never the cookie.
   */
  session?: StoreSession;
  /** An endpoint call's path parameters (`/products/:sku/page` → `{ sku }`): `context.params`. */
  params?: Record<string, string>;
}

export interface DbStatement {
  sql: string;
  params: unknown[];
}

export interface DbBinding {
  query(sql: string, params: unknown[]): Promise<Row[]>;
  /** Runs the statements as one transaction: all apply or none. Returns each statement's rows. */
  batch(statements: DbStatement[]): Promise<Row[][]>;
}

export interface CacheBinding {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, ttl?: number): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface StorageBinding {
  upload(key: string, data: ArrayBuffer, metadata?: Record<string, string>): Promise<string>;
  download(key: string): Promise<ArrayBuffer>;
  delete(key: string): Promise<void>;
}

export interface EventsBinding {
  emit(event: string, data: unknown): Promise<void>;
  track(event: string, properties: Record<string, unknown>): Promise<void>;
}

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface LogBudget {
  lines: number;
  bytes: number;
}

/** Which per-call log quota a dropped line ran into. */
export type LogQuota = "log_lines_per_call" | "log_bytes_per_call";

export interface LogBinding {
  write(
    level: LogLevel,
    message: string,
    meta?: Record<string, unknown>,
    error?: { name: string; message: string },
  ): void;
  /** Lines the isolate dropped past its budget, and their bytes: counted against `quota`. */
  dropped?(lines: number, bytes: number, quota: LogQuota): void;
}

/** What a service call carries from the caller's invocation into the dependency's. */
export interface ServiceCallOptions {
  trace_id?: string;
  idempotency_key?: string;
  /** What is left of the caller's time budget: the dependency's call may not outlast its caller. */
  timeout_ms?: number;
}

/**
 * The caller's side of `context.plugins`: one stub, scoped by the platform to this tenant and
 * plugin, that refuses any slug the plugin's installed manifest does not list as a dependency.
 */
export interface PluginsBinding {
  call(dependency: string, service: string, args: unknown[], options: ServiceCallOptions): Promise<unknown>;
}

/** What a sessions call carries from the plugin's invocation: the request it belongs to. */
export interface SessionCallOptions {
  /** The request's trace id: the platform finds the session this request opened by it, to set the cookie. */
  trace_id?: string;
}

/**
 * The `sessions` capability (auth plugins only), scoped by the platform to this tenant and plugin: the
 * platform's sign-in with this plugin as the provider, and sign-out of a session this plugin opened.
 */
export interface SessionsBinding {
  signIn(credentials: Record<string, unknown>, options: SessionCallOptions): Promise<SessionOutcome<SignedInSession>>;
  signOut(sessionId: string, options: SessionCallOptions): Promise<SessionOutcome<null>>;
}

/**
 * What a plugin isolate answers a service call with. A name the plugin does not export is an
 * answer (`found: false`, with the names it does export), not a failure of the plugin: the
 * mistake is the caller's, and must not count against the dependency's health.
 */
export type ServiceOutcome = { found: true; value: unknown } | { found: false; services: string[] };

/** The isolate's env: capability stubs by name, plus whether outbound HTTP was granted. */
export interface CapabilityEnv {
  DB?: DbBinding;
  CACHE?: CacheBinding;
  STORAGE?: StorageBinding;
  EVENTS?: EventsBinding;
  LOG?: LogBinding;
  /** Present when the plugin holds the `http` capability; requests still pass the platform's egress gate. */
  HTTP?: true;
  /** Present when the manifest declares dependencies: `context.plugins` calls their services through it. */
  PLUGINS?: PluginsBinding;
  /** Present when an auth plugin holds the `sessions` capability. */
  SESSIONS?: SessionsBinding;
}

/** The RPC surface every plugin isolate exposes to the platform. */
export interface PluginWorkerApi {
  runHook(handler: string, payload: unknown, invocation: Invocation): Promise<unknown>;
  handleRequest(handler: string, request: Request, invocation: Invocation): Promise<Response>;
  /** Runs a webhook's verify module on the provider's request: the event to queue, or the refusal. */
  verifyWebhook(handler: string, request: Request, invocation: Invocation): Promise<WebhookVerdict>;
  /** Runs a lifecycle callback; `upgrade` (onUpgrade only) says which version the tenant is coming from. */
  runLifecycle(callback: LifecycleName, invocation: Invocation, upgrade?: UpgradeDetail): Promise<boolean>;
  /**
   * Calls one of the category's methods (`processPayment`, `authenticate`, ...) of the plugin's
   * `plugin.ts` with `args` after the context; refuses a method not in `categoryMethods` for the
   * plugin's category, or not implemented.
   */
  runMethod(method: string, args: unknown[], invocation: Invocation): Promise<unknown>;
  /**
   * Calls the method once per entry of `argsList`, one after another within one RPC, each call
   * settled on its own: one failing call does not fail the others.
   */
  runMethodBatch(method: string, argsList: unknown[][], invocation: Invocation): Promise<MethodOutcome[]>;
  /**
   * Calls one of the services `plugin.ts` exports (`services.formatMoney`), with this plugin's own
   * context first and then `args`; a dependent's call through `context.plugins` arrives here.
   */
  runService(service: string, args: unknown[], invocation: Invocation): Promise<ServiceOutcome>;
  /**
   * Calls a widget's or the settings component's module (the path the manifest names) with the
   * operator's action and values, and answers the UI tree it returned, as plain JSON data. The
   * platform validates it with `parseUiTree`: nothing the isolate answers is trusted.
   */
  renderUi(module: string, input: UiInput, invocation: Invocation): Promise<unknown>;
}

export const lifecycleNames = ["onInstall", "onActivate", "onDeactivate", "onUninstall", "onUpgrade"] as const;

/** What onUpgrade is told: the version the tenant ran, the one it moves to, and the migrations just applied. */
export interface UpgradeDetail {
  from: string;
  to: string;
  migrations: string[];
}
export type LifecycleName = (typeof lifecycleNames)[number];
