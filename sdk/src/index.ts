/**
 * @module
 * `@digital-commerce/plugin-sdk`: what plugin authors import, and what the platform validates with.
 * Every export is listed here on purpose, so this file reads as the SDK's public API.
 */

// Builders (spec, "Using the Plugin Builder")
export type { ApiEndpointOptions, HookNameInput, HookOptions, PermissionGrant, WidgetInput } from "./builder.ts";
export {
  createAnalyticsPlugin,
  createAuthPlugin,
  createCmsPlugin,
  createEmailPlugin,
  createPaymentPlugin,
  createPlugin,
  defaultPluginVersion,
  PluginBuilder,
} from "./builder.ts";
// Errors
export type { ManifestProblem } from "./errors.ts";
export { ManifestError, problemsOf } from "./errors.ts";
export { failPermanently, isPermanentFailure, PERMANENT_FAILURE_MARK, PermanentFailure } from "./failures.ts";
// Hook catalogue (spec, "Available Hooks")
export type { HookDefinition, HookKind, HookName, HookPayload } from "./hooks/catalogue.ts";
export { HookCatalogue, hookNames, isHookName, suggestHooks, unknownHookMessage } from "./hooks/catalogue.ts";
// Hook payloads
export type {
  AuthHookData,
  Order,
  OrderHookData,
  Payment,
  PaymentHookData,
  PaymentStatus,
  PluginEventData,
  Product,
  ProductHookData,
  SessionHookData,
  User,
  UserHookData,
} from "./hooks/payloads.ts";
export {
  authHookData,
  credentialsSchema,
  currencySchema,
  MINOR_UNITS_RULE,
  minorUnitsSchema,
  orderHookData,
  orderItemSchema,
  orderSchema,
  paymentHookData,
  paymentSchema,
  paymentStatusSchema,
  pluginEventSchema,
  productHookData,
  productSchema,
  sessionHookData,
  userHookData,
  userSchema,
} from "./hooks/payloads.ts";
// Network permissions
export { hostAllowed } from "./hosts.ts";
// Manifest (spec, "Plugin Manifest")
export type {
  ApiEndpoint,
  Capability,
  HookRegistration,
  HttpMethod,
  Migration,
  Permissions,
  PluginCategory,
  PluginDependency,
  PluginLimits,
  PluginManifest,
  PluginManifestInput,
  SettingSpec,
  SettingSpecInput,
  SettingsSchema,
  Webhook,
  Widget,
} from "./manifest.ts";
export {
  adminUiSchema,
  apiEndpointSchema,
  capabilities,
  capability,
  dependencySchema,
  hookFailurePolicy,
  hookName,
  hookSchema,
  httpMethod,
  limitsSchema,
  migrationSchema,
  permissionsSchema,
  pluginCategories,
  pluginCategory,
  pluginManifestSchema,
  pluginSlug,
  reservedSlugs,
  semverRange,
  semverVersion,
  settingKey,
  settingSpecSchema,
  settingTypes,
  webhookSchema,
  widgetSchema,
} from "./manifest.ts";
// Parsing untrusted manifests
export type { ManifestResult } from "./parse.ts";
export { parseManifest, safeParseManifest } from "./parse.ts";
export { findRoute, matchRoute, routeParams } from "./routes.ts";
// Store sessions opened by auth plugins (the sessions capability)
export type {
  PluginSessions,
  SessionErrorCode,
  SessionOutcome,
  SignedInSession,
  StoreSession,
} from "./sessions.ts";
export { SessionError } from "./sessions.ts";
// Socket permissions
export type { SocketGrant, SocketTransport } from "./sockets.ts";
export {
  BLOCKED_SOCKET_PORT,
  normalHostname,
  socketAddressOf,
  socketAllowed,
  socketGrantSchema,
  socketTransport,
  socketTransports,
} from "./sockets.ts";
// Plugin context, hook handlers, plugin interfaces and their data (spec, "Plugin Context", "Plugin Categories")
export type {
  AnalyticsPlugin,
  AuthenticatedUser,
  AuthPlugin,
  AuthResult,
  BasePlugin,
  CategoryMethod,
  CategoryMethodOf,
  CmsContent,
  CmsContentList,
  CmsContentOptions,
  CmsContentQuery,
  CmsPlugin,
  DashboardData,
  DeliveryInfo,
  EmailAddress,
  EmailMessage,
  EmailPlugin,
  EmailResult,
  EventData,
  HookHandler,
  LifecycleCallback,
  MethodOutcome,
  MetricsQuery,
  MetricsResult,
  PaymentData,
  PaymentFailure,
  PaymentNextAction,
  PaymentPlugin,
  PaymentResult,
  PaymentUpdate,
  PluginCache,
  PluginContext,
  PluginDatabase,
  PluginEvents,
  PluginFailure,
  PluginFor,
  PluginHttp,
  PluginImplementation,
  PluginInfo,
  PluginLogger,
  PluginService,
  PluginServiceClients,
  PluginServiceRegistry,
  PluginServices,
  PluginStorage,
  PluginsByCategory,
  Row,
  ServiceClient,
  TenantInfo,
  TransactionDatabase,
  UpgradeCallback,
  UpgradeInfo,
} from "./types.ts";
export {
  authenticatedUserSchema,
  authResultSchema,
  categoryMethods,
  cmsContentListSchema,
  cmsContentOptionsSchema,
  cmsContentQuerySchema,
  cmsContentSchema,
  dashboardDataSchema,
  emailAddressSchema,
  emailMessageSchema,
  emailResultSchema,
  eventDataSchema,
  metricsQuerySchema,
  metricsResultSchema,
  paymentDataSchema,
  paymentFailureSchema,
  paymentNextActionSchema,
  paymentResultSchema,
  paymentUpdateSchema,
  pluginFailureSchema,
} from "./types.ts";
// Plugin UI modules (widgets, settings components): what they receive
export { UI_VALUES_LIMIT, type UiInput, type UiModule, uiInputSchema, uiValuesSchema } from "./ui/module.ts";
export {
  ownEndpointHref,
  parseUiTree,
  UI_LIMITS,
  type UiComponentName,
  type UiIssue,
  type UiNode,
  UiTreeError,
  uiComponentNames,
  uiComponentProps,
} from "./ui/tree.ts";
// Inbound webhooks through the queue
export type { WebhookEvent, WebhookVerdict, WebhookVerifier } from "./webhooks.ts";
export { refuseWebhook, WebhookRefusal, webhookEventSchema } from "./webhooks.ts";
