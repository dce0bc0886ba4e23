/**
 * Quotas: what one plugin may cost a tenant. The schema below is the single source of the quota set,
 * its defaults and the per-tenant overrides (a tenant-wide set, and sets per plugin), stored in D1
 * (`tenant_quotas`, migration 0013) by quota-store.ts.
 *
 * Per call (counted by the plugin's call meter, `call-meter.ts`): events emitted, log lines and log
 * bytes (excess dropped and counted, never failing the call), outbound requests and connections
 * through the egress gate. Per minute (the same meter, kept in its object's storage): events emitted.
 * Per plugin: bytes stored in its db, storage and cache. Plain zod, no Workers code: the admin-cli
 * imports its types.
 */
import { z } from "zod";

const count = (max: number) => z.number().int().min(0).max(max);

export const quotaSetSchema = z
  .object({
    /** `context.events.emit` and `track` in one call; the call fails past it. */
    events_per_call: count(100_000),
    /** `emit` and `track` across all the plugin's calls in one minute window; an emit past it is refused. */
    events_per_minute: count(10_000_000),
    /** `context.logger` lines in one call; past it lines are dropped and counted, the call goes on. */
    log_lines_per_call: count(1_000_000),
    /** Bytes of log messages in one call (the message and its fields as JSON); dropped past it, like lines. */
    log_bytes_per_call: count(1024 ** 3),
    /** Outbound HTTP requests and TCP connections in one call, counted by the egress gate. */
    requests_per_call: count(100_000),
    /** The plugin's SQLite database for this tenant, as SQLite counts it (pages × page size). */
    db_bytes: count(10 * 1024 ** 3),
    /** Bytes of the plugin's storage objects for this tenant (R2). */
    storage_bytes: count(1024 ** 4),
    /** Bytes of the plugin's live cache values for this tenant (KV), expired ones not counted. */
    cache_bytes: count(10 * 1024 ** 3),
  })
  .strict();
export type QuotaSet = z.infer<typeof quotaSetSchema>;
export type QuotaName = keyof QuotaSet;

/** The defaults every plugin runs under unless its tenant overrides them (README, "Limits"). */
export const QUOTA_DEFAULTS: QuotaSet = {
  events_per_call: 100,
  // ten calls' worth at the per-call default, sustained for a minute: one event per order of a store
  // taking 1,000 orders a minute, which almost none does, while a loop across calls stops within it
  events_per_minute: 1_000,
  log_lines_per_call: 1_000,
  log_bytes_per_call: 1024 * 1024,
  // the platform's cap on sub_requests (limits.ts), which production also enforces per invocation
  requests_per_call: 50,
  db_bytes: 100 * 1024 * 1024,
  storage_bytes: 1024 ** 3,
  cache_bytes: 25 * 1024 * 1024,
};

const partialQuotaSetSchema = quotaSetSchema.partial().strict();

/** What a tenant sets: quotas for all its plugins, and quotas for one plugin, which win over the tenant's. */
export const quotaOverridesSchema = z
  .object({
    tenant: partialQuotaSetSchema.default({}),
    plugins: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "a plugin slug"), partialQuotaSetSchema)
      .default({}),
  })
  .strict();
export type QuotaOverrides = z.infer<typeof quotaOverridesSchema>;

/** GET/PUT /api/admin/quotas' answer: the defaults and the tenant's overrides (the CLI reads the same type). */
export const quotasViewSchema = z.object({
  defaults: quotaSetSchema,
  overrides: quotaOverridesSchema,
});
export type QuotasView = z.infer<typeof quotasViewSchema>;

/** How each quota reads in a refusal: `events_per_call: at most 100 events per call`. */
export function quotaRule(name: QuotaName, limit: number): string {
  const unit: Record<QuotaName, string> = {
    events_per_call: "events per call",
    events_per_minute: "events per minute",
    log_lines_per_call: "log lines per call",
    log_bytes_per_call: "bytes of log lines per call",
    requests_per_call: "outbound requests and connections per call",
    db_bytes: "bytes in the plugin's database",
    storage_bytes: "bytes in the plugin's storage",
    cache_bytes: "bytes in the plugin's cache",
  };
  return `${name}: at most ${limit} ${unit[name]}`;
}

/** The quotas one plugin runs under: the defaults, then the tenant's set, then the plugin's own. */
export function effectiveQuotas(overrides: QuotaOverrides, slug: string): QuotaSet {
  return { ...QUOTA_DEFAULTS, ...overrides.tenant, ...(overrides.plugins[slug] ?? {}) };
}
