/**
 * The sandboxed plugin runtime: plugin bundles run in isolates of their own
 * (Worker Loader), reaching the world only through capability entrypoints scoped
 * to one tenant and plugin.
 */
export {
  type CallRecord,
  type CallStats,
  callCounts,
  callCountsRow,
  callStats,
  callStatsSchema,
  recordCall,
} from "./accounting.ts";
export { bundleKey, loadBundleCode, publishPlugin, sha256Hex } from "./bundles.ts";
export { type CallHistory, callHistory, callHistorySchema, historyBuckets, MAX_BUCKETS } from "./call-history.ts";
export { logCall } from "./call-log.ts";
export * from "./capabilities/index.ts";
export { CapabilityError, SandboxError, type SandboxErrorCode } from "./errors.ts";
export { invocationOf, invokePlugin, type PluginCall, type SandboxDeps } from "./invoke.ts";
export { effectiveLimits, PLATFORM_LIMITS } from "./limits.ts";
export { abandonIsolate, isolateId } from "./loader.ts";
export { callPluginMethod, callPluginMethodBatch, type MethodCallOptions } from "./methods.ts";
export { quotasFor, setTenantQuotaOverrides, tenantQuotaOverrides } from "./quota-store.ts";
export {
  effectiveQuotas,
  QUOTA_DEFAULTS,
  type QuotaName,
  type QuotaOverrides,
  type QuotaSet,
  type QuotasView,
  quotaOverridesSchema,
  quotaSetSchema,
  quotasViewSchema,
} from "./quotas.ts";
export { activeTargets, findTarget, grants, installationTarget, type SandboxTarget } from "./target.ts";
