/**
 * What a plugin author implements and receives: the plugin context, hook handlers, the plugin
 * interfaces per category and the data shapes that cross the platform/plugin boundary.
 * Source: spec, "Plugin Categories", "Hook Implementation" and "Plugin Context".
 */
import { z } from "zod";
import { currencySchema, minorUnitsSchema, paymentStatusSchema } from "./hooks/payloads.ts";
import type { PluginCategory, PluginManifest } from "./manifest.ts";
import type { PluginSessions, StoreSession } from "./sessions.ts";

// ---------------------------------------------------------------------------------------------
// Plugin context (spec, "Plugin Context"). The spec's `any` is `unknown` here: everything a
// plugin reads from the platform is data to check, and everything it hands over is checked.
// ---------------------------------------------------------------------------------------------

/**
 * The tenant a call runs for.
 *
 * @example
 * const currency = String(context.tenant.settings.currency ?? "USD");
 */
export interface TenantInfo {
  id: string;
  slug: string;
  name: string;
  settings: Record<string, unknown>;
}

/**
 * The running plugin: its manifest and the tenant's configuration of it (sensitive settings decrypted).
 *
 * @example
 * const apiKey = String(context.plugin.config.api_key);
 */
export interface PluginInfo {
  id: string;
  slug: string;
  manifest: PluginManifest;
  config: Record<string, unknown>;
}

/** A row as D1 returns it: column name to value, to be parsed before use. */
export type Row = Record<string, unknown>;

/**
 * SQL access to the plugin's own tables, scoped to the tenant.
 *
 * @example
 * const rows = await context.db.query("SELECT id, amount FROM charges WHERE status = ?", ["open"]);
 * const charge = await context.db.one("SELECT * FROM charges WHERE id = ?", [id]);
 */
export interface PluginDatabase {
  query: (sql: string, params?: unknown[]) => Promise<Row[]>;
  /** The first row, or `null` when there is none. */
  one: (sql: string, params?: unknown[]) => Promise<Row | null>;
  transaction: <T>(callback: (db: TransactionDatabase) => Promise<T>) => Promise<T>;
}

/** The database inside `transaction`: no nested transactions. */
export type TransactionDatabase = Pick<PluginDatabase, "query" | "one">;

/**
 * A key-value cache scoped to the tenant and plugin.
 *
 * @example
 * await context.cache.set("rates:USD", { EUR: 0.92 }, 300);
 * const rates = await context.cache.get("rates:USD"); // unknown: parse it
 */
export interface PluginCache {
  /** The stored value, or `null` when missing or expired. */
  get: (key: string) => Promise<unknown>;
  /** `ttl` in seconds. */
  set: (key: string, value: unknown, ttl?: number) => Promise<void>;
  delete: (key: string) => Promise<void>;
}

/**
 * Object storage scoped to the tenant and plugin.
 *
 * @example
 * const key = await context.storage.upload("receipts/r-1.pdf", bytes, { "content-type": "application/pdf" });
 * const back = await context.storage.download(key);
 */
export interface PluginStorage {
  /** Resolves to the key the object was stored under. */
  upload: (key: string, data: ArrayBuffer, metadata?: Record<string, string>) => Promise<string>;
  download: (key: string) => Promise<ArrayBuffer>;
  delete: (key: string) => Promise<void>;
}

/**
 * Outbound HTTP, limited to the hosts the manifest's `permissions.network` lists.
 *
 * @example
 * const res = await context.http.post("https://api.stripe.com/v1/refunds", { charge: "ch_1" });
 */
export interface PluginHttp {
  get: (url: string, options?: RequestInit) => Promise<Response>;
  /** `data` is sent as a JSON body. */
  post: (url: string, data?: unknown, options?: RequestInit) => Promise<Response>;
}

/**
 * Events between plugins of the same tenant, and analytics events for the tenant's analytics plugins.
 *
 * @example
 * await context.events.emit("stripe.refund_issued", { charge: "ch_1" });
 * context.events.on("stripe.refund_issued", async (data) => context.logger.info("refunded", { data }));
 * await context.events.track("refund_issued", { amount: 12 });
 */
export interface PluginEvents {
  emit: (event: string, data: unknown) => Promise<void>;
  on: (event: string, handler: (data: unknown) => Promise<void>) => void;
  /** Sends an analytics event through the analytics queue to the tenant's active analytics plugins. */
  track: (event: string, properties?: Record<string, unknown>) => Promise<void>;
}

/**
 * Structured logs, tagged by the platform with tenant, plugin and request id.
 *
 * @example
 * context.logger.info("charge created", { charge: "ch_1" });
 * context.logger.error("charge failed", new Error("card declined"), { order: "o-1" });
 */
export interface PluginLogger {
  debug: (message: string, meta?: Record<string, unknown>) => void;
  info: (message: string, meta?: Record<string, unknown>) => void;
  warn: (message: string, meta?: Record<string, unknown>) => void;
  error: (message: string, error?: Error, meta?: Record<string, unknown>) => void;
}

/**
 * The queued delivery a call belongs to: a notification hook or an analytics event delivered to
 * this plugin through a queue. Queues deliver at least once, so the same delivery may arrive
 * again (`attempt` counts from 1); its `idempotency_key` stays the same on every attempt.
 *
 * @example
 * // use delivery.idempotency_key as the Idempotency-Key toward external APIs so a retried
 * // delivery never repeats a side effect
 * const handler: HookHandler<OrderHookData> = async (context, data) => {
 *   await context.http.post("https://api.example.com/receipts", data.order, {
 *     headers: context.delivery ? { "Idempotency-Key": context.delivery.idempotency_key } : {},
 *   });
 * };
 */
export interface DeliveryInfo {
  /** The delivery: one event for one plugin and hook. */
  id: string;
  /** The event it delivers; every plugin subscribed to the event gets its own delivery. */
  event_id: string;
  /** The hook (or `analytics:<event>`) the event is of: one handler may serve several hooks. */
  hook?: string;
  /** 1 on the first attempt; a replay starts again at 1. */
  attempt: number;
  /** Stable across every attempt of this delivery. */
  idempotency_key: string;
}

/**
 * Everything a plugin may touch, scoped to one tenant and one plugin. Every hook handler,
 * endpoint, lifecycle callback and category method receives it. The members the spec lists are
 * always there (each capability when granted); `delivery` and `idempotency_key` are the
 * platform's additions for calls that can be repeated, and `plugins` the services of the
 * plugins this one depends on.
 *
 * @example
 * const handler: HookHandler<OrderHookData> = async (context: PluginContext, data) => {
 *   context.logger.info("order seen", { tenant: context.tenant.id, total: data.order.total });
 * };
 */
export interface PluginContext {
  tenant: TenantInfo;
  plugin: PluginInfo;
  db: PluginDatabase;
  cache: PluginCache;
  storage: PluginStorage;
  http: PluginHttp;
  events: PluginEvents;
  logger: PluginLogger;
  /**
   * Present when the call delivers a queued event (a notification hook, an analytics event).
   *
   * @example
   * // use delivery.idempotency_key as the Idempotency-Key toward external APIs so a retried
   * // delivery never repeats a side effect
   * const key = context.delivery?.idempotency_key;
   */
  delivery?: DeliveryInfo;
  /**
   * The key of this call when it may be repeated: a queued delivery's key, or the key the
   * platform gives a category method (a refund, a capture). Pass it on to external APIs.
   *
   * @example
   * await context.http.post("https://api.stripe.com/v1/refunds", { charge }, {
   *   headers: context.idempotency_key ? { "Idempotency-Key": context.idempotency_key } : {},
   * });
   */
  idempotency_key?: string;
  /**
   * The services of the plugins the manifest's `dependencies` name, one entry per dependency and
   * nothing else. Each call runs in the dependency's own isolate, with the dependency's own
   * context for the same tenant, and resolves with what the service returned (plain data:
   * arguments and results are copied, never shared). Typed once the dependency's services type is
   * imported (see `PluginServiceRegistry`).
   *
   * @example
   * // manifest.ts: .dependency("core-utils", "^1.3.0")
   * const label = await context.plugins["core-utils"].formatMoney(1250, "USD"); // "$12.50"
   */
  plugins: PluginServiceClients;
  /**
   * Store sign-in and sign-out through the platform: present only for an auth plugin holding the
   * `sessions` capability (see `PluginSessions`). The store's session cookie never reaches the plugin.
   *
   * @example
   * if (!context.sessions) throw new Error("grant the sessions capability to sign browsers in");
   * const signed = await context.sessions.signIn({ code, state });
   */
  sessions?: PluginSessions;
  /**
   * The store session the request came with, when the plugin holds `sessions` and opened that
   * session itself; sessions of other providers are never shown.
   *
   * @example
   * if (context.session) await context.sessions.signOut();
   */
  session?: StoreSession;
  /**
   * An endpoint call's path parameters, decoded: the manifest's `/products/:sku/page` serving
   * `/products/MUG-1/page` gives `{ sku: "MUG-1" }`. Present on endpoint calls only.
   *
   * @example
   * const page = await context.cache.get(`page:${context.params?.sku}`);
   */
  params?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Services: what a plugin offers the plugins that depend on it
// ---------------------------------------------------------------------------------------------

/**
 * One service of a plugin: called with the plugin's own context first (its config, db, logger,
 * for the tenant of the call), then the caller's arguments. What it returns goes back to the
 * caller by structured clone, so it answers plain data (no functions, no class instances).
 *
 * @example
 * const minorUnits: PluginService = (context, currency: string) => (currency === "JPY" ? 0 : 2);
 */
export type PluginService = (context: PluginContext, ...args: never[]) => unknown;

/**
 * What `plugin.ts` exports as `services`: its plugin's services by name. `satisfies` keeps each
 * function's own parameter types for the dependents' typed client.
 *
 * @example
 * // plugin.ts of core-utils
 * export const services = {
 *   minorUnits: (context, currency: string) => (currency === "JPY" ? 0 : 2),
 *   greet: (context, name: string) => `${context.tenant.name} greets ${name}`,
 * } satisfies PluginServices;
 */
export type PluginServices = Record<string, PluginService>;

/**
 * The services of each plugin that publishes their type, by slug: empty in the SDK, augmented by
 * each plugin's services module. A dependent imports that module's type (`import type`, erased
 * when bundled) and `context.plugins[slug]` is typed from it.
 *
 * @example
 * // plugins/core-utils/src/services.ts
 * declare module "@digital-commerce/plugin-sdk" {
 *   interface PluginServiceRegistry {
 *     "core-utils": typeof services;
 *   }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: declaration merging fills it, one plugin at a time
export interface PluginServiceRegistry {}

/**
 * How a dependent calls services: each function without its leading context, answering a promise
 * (the call crosses into another isolate).
 *
 * @example
 * type CoreUtils = ServiceClient<typeof services>;
 * // { formatMoney: (minor: number, currency: string, locale?: string) => Promise<string>; ... }
 */
export type ServiceClient<S> = {
  readonly [K in keyof S]: S[K] extends (context: PluginContext, ...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

/**
 * `context.plugins`: a typed client per plugin in `PluginServiceRegistry`. At run time only the
 * manifest's dependencies are there; a slug that is not one of them is `undefined`.
 *
 * @example
 * const minor = await context.plugins["core-utils"].toMinor("12.50", "USD"); // 1250
 */
export type PluginServiceClients = {
  readonly [Slug in keyof PluginServiceRegistry]: ServiceClient<PluginServiceRegistry[Slug]>;
};

// ---------------------------------------------------------------------------------------------
// Hooks and lifecycle
// ---------------------------------------------------------------------------------------------

/**
 * A hook handler. A "before" hook may return the changed payload or just its subject (e.g. the
 * payment) to transform it, return nothing to leave it as is, or throw to veto; what it returns
 * is validated against the hook's payload schema. A notification hook's return value is ignored.
 *
 * @example
 * const handler: HookHandler<PaymentHookData> = async (context, data) => {
 *   // amounts are minor units: 50 is $0.50
 *   if (data.payment.currency === "USD" && data.payment.amount < 50) throw new Error("Minimum payment is $0.50");
 *   return data.payment;
 * };
 */
export type HookHandler<T, R = unknown> = (
  context: PluginContext,
  data: T,
) => Promise<R | undefined> | Promise<void> | R | void;

/**
 * A lifecycle callback: runs on install, activate, deactivate or uninstall, for one tenant.
 *
 * @example
 * const onInstall: LifecycleCallback = async (context) => {
 *   await context.db.query("CREATE TABLE IF NOT EXISTS charges (id TEXT PRIMARY KEY, amount INTEGER)");
 * };
 */
export type LifecycleCallback = (context: PluginContext) => Promise<void> | void;

/** What onUpgrade is told: the version the tenant ran, the one it moves to, the migrations just applied. */
export interface UpgradeInfo {
  from: string;
  to: string;
  migrations: string[];
}

/**
 * Runs in the new version's isolate when a tenant upgrades to it (not on a rollback), after its pending
 * database migrations and before the switch commits: a throw leaves the tenant on the old version.
 *
 * @example
 * const onUpgrade: UpgradeCallback = async (context, { from }) => {
 *   if (semver.lt(from, "2.0.0")) await context.cache.delete("rates");
 * };
 */
export type UpgradeCallback = (context: PluginContext, upgrade: UpgradeInfo) => Promise<void> | void;

/**
 * What every plugin is: its manifest plus optional lifecycle callbacks. A throw from a callback
 * stops that transition.
 *
 * @example
 * const plugin: BasePlugin = {
 *   manifest: createPlugin("Core Utils", "core-utils").version("1.0.0").build(),
 *   onActivate: (context) => context.logger.info("core-utils active"),
 * };
 */
export interface BasePlugin {
  manifest: PluginManifest;
  onInstall?: LifecycleCallback;
  onActivate?: LifecycleCallback;
  onDeactivate?: LifecycleCallback;
  onUninstall?: LifecycleCallback;
  onUpgrade?: UpgradeCallback;
}

// ---------------------------------------------------------------------------------------------
// Shared data shapes. What the platform hands a plugin is parsed first, so its defaults are
// filled in; what a plugin returns has no defaults, so the type an author writes is the type the
// platform reads back.
// ---------------------------------------------------------------------------------------------

const metadata = z.record(z.string(), z.unknown()).default({});
const returnedMetadata = z.record(z.string(), z.unknown()).optional();
const currency = currencySchema;
const timestamp = z.iso.datetime({ offset: true });

/**
 * An expected failure as a value: a code to switch on, a message a person can act on, and
 * whether the same call may succeed later (so a queue retries it rather than dead-lettering it).
 *
 * @example
 * const failure: PluginFailure = { code: "RATE_LIMITED", message: "Too many requests; try again in a minute", retryable: true };
 */
export const pluginFailureSchema = z.object({
  code: z.string().min(1),
  message: z.string().min(1),
  /** Absent means no. */
  retryable: z.boolean().optional(),
});
export type PluginFailure = z.infer<typeof pluginFailureSchema>;

// ---------------------------------------------------------------------------------------------
// Payment plugins. Amounts are integers in the currency's minor units (ISO 4217 exponent: USD
// cents, JPY yen, KWD fils), never floats. A payment moves pending → authorized → captured →
// refunded, or ends failed or canceled; what a plugin reports about it is the provider's
// absolute truth (amounts so far, not deltas), which the platform applies once, forwards only.
// ---------------------------------------------------------------------------------------------

/**
 * A payment to process.
 *
 * @example
 * const payment = paymentDataSchema.parse({
 *   amount: 1250, // 12.50 USD
 *   currency: "USD",
 *   payment_id: "pay_8e3a7c21",
 *   tenant_id: "ten_1",
 *   idempotency_key: "pay:ten_1:checkout-7f3a",
 * });
 */
export const paymentDataSchema = z.object({
  /** In the currency's minor units: 1250 is 12.50 USD, 500 is 500 JPY, 1250 is 1.250 KWD. */
  amount: minorUnitsSchema.refine((amount) => amount > 0, "must be more than 0"),
  currency,
  /** The platform's id of this payment: put it in the provider's metadata, so its webhooks can name it. */
  payment_id: z.string().min(1),
  /** The store the payment is for: put it in the provider's metadata beside payment_id. */
  tenant_id: z.string().min(1),
  order_id: z.string().optional(),
  customer_id: z.string().optional(),
  method: z.string().optional(),
  description: z.string().optional(),
  /** Always set by the platform; pass it on to the provider so a retried call never charges twice. */
  idempotency_key: z.string().min(1),
  metadata,
});
export type PaymentData = z.infer<typeof paymentDataSchema>;

/**
 * What the storefront needs to let the customer finish a payment the provider holds (3-D Secure):
 * a client secret for the provider's browser SDK, or a page to send the customer to.
 *
 * @example
 * const action: PaymentNextAction = { type: "use_stripe_sdk", client_secret: "pi_1_secret_2" };
 */
export const paymentNextActionSchema = z.object({
  type: z.string().min(1),
  client_secret: z.string().min(1).optional(),
  redirect_url: z.url().optional(),
});
export type PaymentNextAction = z.infer<typeof paymentNextActionSchema>;

/**
 * Why a provider refused: the plugin's code and message, and the card issuer's decline code when
 * there is one.
 *
 * @example
 * const failure: PaymentFailure = { code: "card_declined", message: "Your card was declined.", decline_code: "insufficient_funds" };
 */
export const paymentFailureSchema = pluginFailureSchema.extend({ decline_code: z.string().min(1).optional() });
export type PaymentFailure = z.infer<typeof paymentFailureSchema>;

/**
 * A payment's state at its provider, as a plugin reports it from a webhook or a retrieve: the
 * provider's absolute truth (amounts so far, not the change). The platform finds the payment by
 * `payment_id` (from the provider's metadata) or by its transaction id, and applies the report
 * only forwards: a report older than what it knows changes nothing, so webhooks may come twice,
 * late or out of order.
 *
 * @example
 * const update: PaymentUpdate = {
 *   payment_id: "pay_8e3a7c21",
 *   transaction_id: "pi_3Mtw",
 *   status: "captured",
 *   captured_amount: 1250,
 *   refunded_amount: 250,
 * };
 */
export const paymentUpdateSchema = z.object({
  payment_id: z.string().min(1).optional(),
  transaction_id: z.string().min(1),
  status: paymentStatusSchema,
  /** What was authorized. */
  amount: minorUnitsSchema.optional(),
  /** What was captured so far; absent on a capture means all of `amount`. */
  captured_amount: minorUnitsSchema.optional(),
  /** What was refunded so far, all refunds together. */
  refunded_amount: minorUnitsSchema.optional(),
  /** With `pending`: what the customer must do to continue. */
  next_action: paymentNextActionSchema.optional(),
  /** With `failed`: why. */
  error: paymentFailureSchema.optional(),
});
export type PaymentUpdate = z.infer<typeof paymentUpdateSchema>;

/**
 * The outcome of a payment call (processPayment, capturePayment, cancelPayment, refundPayment):
 * `success` tells which of the two shapes it is. A success reports the payment's state after the
 * call, as a PaymentUpdate does; `pending` with `next_action` means the customer must act (3-D
 * Secure). A failure is a decline or a refusal, unless `indeterminate` says the plugin could not
 * tell whether the provider acted (a timeout, a 500): then the platform keeps the payment pending
 * and settles it from the provider's webhook or a refresh, instead of failing it.
 *
 * @example
 * const ok: PaymentResult = { success: true, transaction_id: "ch_1", status: "captured" };
 * const needsAction: PaymentResult = {
 *   success: true,
 *   transaction_id: "pi_1",
 *   status: "pending",
 *   next_action: { type: "use_stripe_sdk", client_secret: "pi_1_secret_2" },
 * };
 * const declined: PaymentResult = {
 *   success: false,
 *   error: { code: "card_declined", message: "The card was declined", decline_code: "insufficient_funds" },
 * };
 * const unknown: PaymentResult = {
 *   success: false,
 *   indeterminate: true,
 *   error: { code: "api_connection_error", message: "Stripe did not answer in time", retryable: true },
 * };
 */
export const paymentResultSchema = z.discriminatedUnion("success", [
  paymentUpdateSchema.omit({ payment_id: true, error: true }).extend({
    success: z.literal(true),
    status: paymentStatusSchema.exclude(["failed"]),
    metadata: returnedMetadata,
  }),
  z.object({
    success: z.literal(false),
    transaction_id: z.string().min(1).optional(),
    error: paymentFailureSchema,
    /** The provider may or may not have acted: the payment stays pending until its webhook or a refresh says. */
    indeterminate: z.boolean().optional(),
    metadata: returnedMetadata,
  }),
]);
export type PaymentResult = z.infer<typeof paymentResultSchema>;

/**
 * A payment gateway (spec, "Payment Plugins"). Each call carries an idempotency key
 * (`payment.idempotency_key`, `context.idempotency_key`) derived from the platform's operation:
 * pass it on to the provider, so a retried call never charges, captures or refunds twice.
 *
 * @example
 * const stripe: PaymentPlugin = {
 *   manifest,
 *   async processPayment(context, payment) {
 *     const res = await context.http.post("https://api.stripe.com/v1/payment_intents", payment, {
 *       headers: { "Idempotency-Key": payment.idempotency_key },
 *     });
 *     const body = (await res.json()) as { id: string };
 *     return { success: true, transaction_id: body.id, status: "authorized" };
 *   },
 *   capturePayment: async (context, transactionId, amount) => ({
 *     success: true,
 *     transaction_id: transactionId,
 *     status: "captured",
 *     captured_amount: amount,
 *   }),
 *   cancelPayment: async (context, transactionId) => ({ success: true, transaction_id: transactionId, status: "canceled" }),
 *   refundPayment: async (context, transactionId, amount) => ({
 *     success: true,
 *     transaction_id: transactionId,
 *     status: "captured",
 *     refunded_amount: amount,
 *   }),
 *   retrievePayment: async (context, transactionId) => ({ transaction_id: transactionId, status: "authorized" }),
 *   handleWebhook: async (context, event, data) => {
 *     context.logger.info(event, { data });
 *     return null; // nothing this payment gateway needs to report
 *   },
 * };
 */
export interface PaymentPlugin extends BasePlugin {
  processPayment(context: PluginContext, paymentData: PaymentData): Promise<PaymentResult>;
  /** Without `amount`, captures all that was authorized; with less, the provider may release the rest. */
  capturePayment(context: PluginContext, transactionId: string, amount?: number): Promise<PaymentResult>;
  /** Releases an authorized (or pending) payment; nothing was or will be charged. */
  cancelPayment(context: PluginContext, transactionId: string): Promise<PaymentResult>;
  /** Without `amount`, refunds all that is left; the result's `refunded_amount` is all refunds together. */
  refundPayment(context: PluginContext, transactionId: string, amount?: number): Promise<PaymentResult>;
  /** The payment's current state at the provider; the platform calls it to reconcile (POST /payments/:id/refresh). */
  retrievePayment?(context: PluginContext, transactionId: string): Promise<PaymentUpdate>;
  /**
   * What a provider's webhook says about a payment, re-read from the provider rather than trusted
   * from the event (events come late and out of order); `null` when the event is about nothing
   * of this platform's (no payment_id in its metadata) or changes nothing.
   */
  handleWebhook(context: PluginContext, event: string, data: unknown): Promise<PaymentUpdate | null | undefined>;
}

// ---------------------------------------------------------------------------------------------
// Auth plugins
// ---------------------------------------------------------------------------------------------

/**
 * A user as an identity provider reports them.
 *
 * @example
 * const user: AuthenticatedUser = { id: "google-oauth2|123", email: "ada@example.com", roles: ["customer"] };
 */
export const authenticatedUserSchema = z.object({
  /** The provider's stable id for the user. */
  id: z.string().min(1),
  email: z.email().optional(),
  name: z.string().optional(),
  roles: z.array(z.string()).optional(),
  metadata: returnedMetadata,
});
export type AuthenticatedUser = z.infer<typeof authenticatedUserSchema>;

/**
 * The outcome of `authenticate`: `success` tells which of the two shapes it is.
 *
 * @example
 * const result: AuthResult = {
 *   success: true,
 *   user: { id: "u-1", email: "ada@example.com" },
 *   token: "eyJ...",
 *   expires_at: "2030-01-01T00:00:00Z",
 * };
 */
export const authResultSchema = z.discriminatedUnion("success", [
  z.object({
    success: z.literal(true),
    user: authenticatedUserSchema,
    token: z.string().min(1),
    refresh_token: z.string().optional(),
    expires_at: timestamp.optional(),
  }),
  z.object({ success: z.literal(false), error: pluginFailureSchema }),
]);
export type AuthResult = z.infer<typeof authResultSchema>;

/**
 * An identity provider (spec, "Auth Plugins"). `credentials` and `user` come in as the caller
 * sent them: parse them with a schema of your own.
 *
 * @example
 * const google: AuthPlugin = {
 *   manifest,
 *   async authenticate(context, credentials) {
 *     const { code } = z.object({ code: z.string() }).parse(credentials);
 *     context.logger.debug("exchanging code", { length: code.length });
 *     return { success: false, error: { code: "NOT_IMPLEMENTED", message: "Sign-in is not set up yet" } };
 *   },
 *   authorize: async (context, user, resource, action) => action === "read",
 *   refreshToken: async (context, token) => token,
 * };
 */
export interface AuthPlugin extends BasePlugin {
  authenticate(context: PluginContext, credentials: unknown): Promise<AuthResult>;
  authorize(context: PluginContext, user: unknown, resource: string, action: string): Promise<boolean>;
  /** Resolves to a new access token. */
  refreshToken(context: PluginContext, token: string): Promise<string>;
}

// ---------------------------------------------------------------------------------------------
// Analytics plugins
// ---------------------------------------------------------------------------------------------

/**
 * One tracked event.
 *
 * @example
 * const event = eventDataSchema.parse({ event: "checkout_started", properties: { cart_value: 42 } });
 */
export const eventDataSchema = z.object({
  /**
   * The event's id, set by the platform when it delivers the event and the same on every
   * redelivery, so a provider can count each event once.
   */
  id: z.string().min(1).optional(),
  event: z.string().min(1),
  properties: metadata,
  user_id: z.string().optional(),
  session_id: z.string().optional(),
  /** When it happened; the platform sets the receive time when the caller does not. */
  timestamp: timestamp.optional(),
});
export type EventData = z.infer<typeof eventDataSchema>;

/**
 * Which metrics to read, over which period, in which buckets.
 *
 * @example
 * const query = metricsQuerySchema.parse({
 *   metrics: ["revenue"],
 *   from: "2026-01-01T00:00:00Z",
 *   to: "2026-02-01T00:00:00Z",
 *   interval: "day",
 * });
 */
export const metricsQuerySchema = z
  .object({
    metrics: z.array(z.string().min(1)).min(1),
    from: timestamp,
    to: timestamp,
    interval: z.enum(["hour", "day", "week", "month"]).default("day"),
    filters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    group_by: z.array(z.string()).default([]),
  })
  .refine((q) => Date.parse(q.from) <= Date.parse(q.to), { path: ["to"], message: "must not be before from" });
export type MetricsQuery = z.infer<typeof metricsQuerySchema>;

/**
 * One series per metric (and group), each a list of points in time order.
 *
 * @example
 * const result: MetricsResult = {
 *   series: [{ metric: "revenue", points: [{ timestamp: "2026-01-01T00:00:00Z", value: 120 }], total: 120 }],
 * };
 */
export const metricsResultSchema = z.object({
  series: z.array(
    z.object({
      metric: z.string(),
      /** The `group_by` values this series is for; absent when not grouped. */
      group: z.record(z.string(), z.string()).optional(),
      points: z.array(z.object({ timestamp, value: z.number() })),
      total: z.number().optional(),
      /** The same series over the period just before `from`, as long as this one, for comparison. */
      previous: z
        .object({ points: z.array(z.object({ timestamp, value: z.number() })), total: z.number().optional() })
        .optional(),
    }),
  ),
});
export type MetricsResult = z.infer<typeof metricsResultSchema>;

/**
 * A dashboard for the admin UI. `data` rows feed shadcn/Recharts charts as they are.
 *
 * @example
 * const dashboard: DashboardData = {
 *   id: "sales",
 *   title: "Sales",
 *   widgets: [{ id: "revenue", title: "Revenue", type: "line", data: [{ day: "Mon", revenue: 120 }] }],
 * };
 */
export const dashboardDataSchema = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  widgets: z.array(
    z.object({
      id: z.string().min(1),
      title: z.string(),
      type: z.enum(["metric", "line", "bar", "area", "pie", "table"]),
      data: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
    }),
  ),
  updated_at: timestamp.optional(),
});
export type DashboardData = z.infer<typeof dashboardDataSchema>;

/**
 * An analytics provider (spec, "Analytics Plugins").
 *
 * @example
 * const analytics: AnalyticsPlugin = {
 *   manifest,
 *   trackEvent: async (context, event) => context.events.emit("analytics.tracked", event),
 *   getMetrics: async () => ({ series: [] }),
 *   getDashboard: async (context, dashboardId) => ({ id: dashboardId, title: "Sales", widgets: [] }),
 * };
 */
export interface AnalyticsPlugin extends BasePlugin {
  trackEvent(context: PluginContext, eventData: EventData): Promise<void>;
  getMetrics(context: PluginContext, query: MetricsQuery): Promise<MetricsResult>;
  getDashboard(context: PluginContext, dashboardId: string): Promise<DashboardData>;
}

// ---------------------------------------------------------------------------------------------
// Email plugins
// ---------------------------------------------------------------------------------------------

/**
 * A recipient or sender: an address, or an address with a display name.
 *
 * @example
 * const to: EmailAddress[] = ["ada@example.com", { email: "grace@example.com", name: "Grace Hopper" }];
 */
export const emailAddressSchema = z.union([z.email(), z.object({ email: z.email(), name: z.string().min(1) })]);
export type EmailAddress = z.infer<typeof emailAddressSchema>;

/**
 * An email to send. Attachments travel base64-encoded because the message crosses into the
 * plugin's sandbox as JSON.
 *
 * @example
 * const message = emailMessageSchema.parse({
 *   to: ["ada@example.com"],
 *   subject: "Your order has shipped",
 *   text: "It is on its way.",
 *   idempotency_key: "order-1:shipped",
 * });
 */
export const emailMessageSchema = z
  .object({
    to: z.array(emailAddressSchema).min(1),
    cc: z.array(emailAddressSchema).default([]),
    bcc: z.array(emailAddressSchema).default([]),
    /** Defaults to the sender configured in the plugin's settings. */
    from: emailAddressSchema.optional(),
    reply_to: emailAddressSchema.optional(),
    subject: z.string().min(1),
    text: z.string().optional(),
    html: z.string().optional(),
    headers: z.record(z.string(), z.string()).default({}),
    attachments: z
      .array(z.object({ filename: z.string().min(1), content_type: z.string().min(1), content_base64: z.base64() }))
      .default([]),
    /** Lets a retried send be recognised and not delivered twice. */
    idempotency_key: z.string().min(1).optional(),
  })
  .refine((m) => m.text !== undefined || m.html !== undefined, {
    path: ["text"],
    message: "a message needs a text or an html body",
  });
export type EmailMessage = z.infer<typeof emailMessageSchema>;

/**
 * The outcome of `sendEmail`: `success` tells which of the two shapes it is.
 *
 * @example
 * const sent: EmailResult = { success: true, message_id: "<m-1@mail.example.com>", accepted: ["ada@example.com"] };
 */
export const emailResultSchema = z.discriminatedUnion("success", [
  z.object({
    success: z.literal(true),
    message_id: z.string().min(1),
    accepted: z.array(z.string()),
    /** Recipients the server refused while accepting the rest. */
    rejected: z.array(z.string()).optional(),
  }),
  z.object({ success: z.literal(false), error: pluginFailureSchema }),
]);
export type EmailResult = z.infer<typeof emailResultSchema>;

/**
 * An email provider (SMTP, an email API).
 *
 * @example
 * const smtp: EmailPlugin = {
 *   manifest,
 *   async sendEmail(context, message) {
 *     context.logger.info("sending", { subject: message.subject });
 *     return { success: true, message_id: "<m-1@mail.example.com>", accepted: ["ada@example.com"] };
 *   },
 *   verifyConnection: async () => true,
 * };
 */
export interface EmailPlugin extends BasePlugin {
  sendEmail(context: PluginContext, message: EmailMessage): Promise<EmailResult>;
  /** Whether the configured settings reach the provider; the health check calls it. */
  verifyConnection(context: PluginContext): Promise<boolean>;
  /** Delivery reports (bounces, complaints) from providers that send them. */
  handleWebhook?(context: PluginContext, event: string, data: unknown): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// CMS plugins
// ---------------------------------------------------------------------------------------------

/**
 * One entry of a headless CMS, its fields as the CMS models them.
 *
 * @example
 * const entry: CmsContent = { id: "e-1", type: "page", slug: "about", fields: { title: "About us" }, updated_at: "2026-01-01T00:00:00Z" };
 */
export const cmsContentSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  slug: z.string().optional(),
  locale: z.string().optional(),
  fields: z.record(z.string(), z.unknown()),
  published_at: timestamp.optional(),
  updated_at: timestamp,
});
export type CmsContent = z.infer<typeof cmsContentSchema>;

/**
 * How to read one entry.
 *
 * @example
 * const options: CmsContentOptions = { locale: "de-DE", preview: true };
 */
export const cmsContentOptionsSchema = z.object({
  locale: z.string().optional(),
  /** Drafts as well as published entries; absent means published only. */
  preview: z.boolean().optional(),
});
export type CmsContentOptions = z.infer<typeof cmsContentOptionsSchema>;

/**
 * Which entries to list: a page of them, by type, slug or field values.
 *
 * @example
 * const query = cmsContentQuerySchema.parse({ type: "page", slug: "about" });
 */
export const cmsContentQuerySchema = z.object({
  type: z.string().optional(),
  slug: z.string().optional(),
  locale: z.string().optional(),
  filters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  limit: z.number().int().min(1).max(100).default(20),
  /** The `next_cursor` of the previous page. */
  cursor: z.string().optional(),
  preview: z.boolean().default(false),
});
export type CmsContentQuery = z.infer<typeof cmsContentQuerySchema>;

/**
 * A page of entries; `next_cursor` is absent on the last page.
 *
 * @example
 * const page: CmsContentList = { items: [], next_cursor: undefined };
 */
export const cmsContentListSchema = z.object({
  items: z.array(cmsContentSchema),
  next_cursor: z.string().optional(),
});
export type CmsContentList = z.infer<typeof cmsContentListSchema>;

/**
 * A headless CMS. `handleWebhook` receives the CMS's publish and delete events, typically to
 * drop cached entries.
 *
 * @example
 * const cms: CmsPlugin = {
 *   manifest,
 *   getContent: async (context, id) => null,
 *   listContent: async () => ({ items: [] }),
 *   handleWebhook: async (context, event, data) => context.cache.delete(`entry:${event}`),
 * };
 */
export interface CmsPlugin extends BasePlugin {
  /** The entry, or `null` when the CMS has none with this id. */
  getContent(context: PluginContext, id: string, options?: CmsContentOptions): Promise<CmsContent | null>;
  listContent(context: PluginContext, query: CmsContentQuery): Promise<CmsContentList>;
  handleWebhook(context: PluginContext, event: string, data: unknown): Promise<void>;
}

/**
 * The interface a plugin of each category implements; "utility" plugins are just a `BasePlugin`.
 *
 * @example
 * const stripe: PluginFor<"payment"> = paymentPlugin; // a PaymentPlugin
 */
export interface PluginsByCategory {
  payment: PaymentPlugin;
  auth: AuthPlugin;
  analytics: AnalyticsPlugin;
  email: EmailPlugin;
  cms: CmsPlugin;
  utility: BasePlugin;
}
export type PluginFor<C extends PluginCategory> = PluginsByCategory[C];

/** The methods a category adds to `BasePlugin`: what the platform may call on a plugin of category `C`. */
export type CategoryMethodOf<C extends PluginCategory> = Exclude<keyof PluginFor<C>, keyof BasePlugin>;

/**
 * What a plugin folder's `plugin.ts` exports by default: its category's methods, and lifecycle
 * callbacks if it keeps them here rather than in `lifecycle.ts`. The manifest is `manifest.ts`'s.
 *
 * @example
 * // plugin.ts of a payment plugin
 * const captured = (transactionId: string) => ({ success: true as const, transaction_id: transactionId, status: "captured" as const });
 * const plugin: PluginImplementation<"payment"> = {
 *   processPayment: async (context, payment) => captured(payment.idempotency_key),
 *   capturePayment: async (context, transactionId) => captured(transactionId),
 *   cancelPayment: async (context, transactionId) => ({ success: true, transaction_id: transactionId, status: "canceled" }),
 *   refundPayment: async (context, transactionId) => ({ success: true, transaction_id: transactionId, status: "refunded" }),
 *   handleWebhook: async () => null,
 * };
 * export default plugin;
 */
export type PluginImplementation<C extends PluginCategory> = Omit<PluginFor<C>, "manifest">;

/**
 * The methods the platform may call on a plugin, by category: the methods of the category's
 * interface, and nothing else. A call to a method not listed for the plugin's category is refused.
 *
 * @example
 * categoryMethods.payment; // ["processPayment", "capturePayment", "cancelPayment", "refundPayment", "retrievePayment", "handleWebhook"]
 * categoryMethods.utility; // []
 */
export const categoryMethods = {
  payment: ["processPayment", "capturePayment", "cancelPayment", "refundPayment", "retrievePayment", "handleWebhook"],
  auth: ["authenticate", "authorize", "refreshToken"],
  analytics: ["trackEvent", "getMetrics", "getDashboard"],
  email: ["sendEmail", "verifyConnection", "handleWebhook"],
  cms: ["getContent", "listContent", "handleWebhook"],
  utility: [],
} as const satisfies { [C in PluginCategory]: readonly CategoryMethodOf<C>[] };

/** Any category's method name. */
export type CategoryMethod = (typeof categoryMethods)[PluginCategory][number];

/**
 * The outcome of one call of a batch (`runMethodBatch`): each call of a batch settles on its own.
 *
 * @example
 * const outcomes: MethodOutcome[] = [{ ok: true, value: undefined }, { ok: false, error: { name: "Error", message: "disk full" } }];
 */
export type MethodOutcome = { ok: true; value: unknown } | { ok: false; error: { name: string; message: string } };
