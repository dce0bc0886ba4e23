/** The API Worker's bindings, as wrangler.toml declares them. */
import type { GlobalDb } from "./ledger/tenant-db.ts";
import type { TenantLedger } from "./ledger/tenant-ledger.ts";
import type { PluginDatabase } from "./sandbox/capabilities/database.ts";

export interface ApiEnv {
  /** D1: the global, read-mostly tables (tenants, token digests, the plugin catalogue). */
  DB: GlobalDb;
  CACHE: KVNamespace;
  /** Plugin bundles, content-addressed. */
  BUNDLES: R2Bucket;
  /** Objects plugins store through their storage capability. */
  PLUGIN_STORAGE: R2Bucket;
  /** One SQLite-backed Durable Object per tenant and plugin: the db capability. */
  PLUGIN_DB: DurableObjectNamespace<PluginDatabase>;
  /** One SQLite-backed Durable Object per tenant: its hot state (api/src/ledger). */
  LEDGER: DurableObjectNamespace<TenantLedger>;
  /** Hook events, and the per-plugin deliveries the consumer fans them out to. */
  HOOK_EVENTS: Queue<unknown>;
  /** One message per outbound webhook delivery. */
  WEBHOOK_DELIVERIES: Queue<unknown>;
  ANALYTICS_EVENTS: Queue<unknown>;
  LOADER: WorkerLoader;
  /** Base64 of 32 random bytes: the AES-GCM key for sensitive plugin settings. A Worker secret. */
  CONFIG_ENCRYPTION_KEY: string;
  LOG_LEVEL?: string;
  /** Which Worker hosts plugin isolates ("api", "consumers"): part of every isolate id. */
  SANDBOX_HOST?: string;
  /** Milliseconds a whole before-hook chain may take (default 5000). */
  HOOK_CHAIN_BUDGET_MS?: string;
  /** Seconds an outbox row stays unsent before the scheduled re-drive sends it (default 60). */
  OUTBOX_REDRIVE_AFTER_SECONDS?: string;
  /** Days a ledger keeps traces, attempts and call accounting before its alarm sweeps them (default 7). */
  LEDGER_RETENTION_DAYS?: string;
  /** Days a ledger keeps finished deliveries, sent outbox rows, succeeded webhook deliveries and replayed dead letters (default 14). */
  LEDGER_FINISHED_RETENTION_DAYS?: string;
  /** "true" lets webhook endpoints use loopback and private addresses (dev and tests only; see api/src/webhooks/README.md). */
  WEBHOOK_ALLOW_PRIVATE_URLS?: string;
}

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      // types ctx.exports: the loopback entrypoints plugin isolates are given as capabilities
      mainModule: typeof import("./index.ts");
      durableNamespaces: "PluginDatabase" | "TenantLedger";
    }
  }
}
