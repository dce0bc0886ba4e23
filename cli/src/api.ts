/**
 * The admin API's answers as the CLI reads them: the fields it prints, typed after the platform's
 * zod schemas (api/src/admin/schemas.ts, pipeline-routes.ts, api/src/webhooks/schemas.ts), which
 * stay the source of truth and the OpenAPI document's. `--json` prints the answers whole.
 */

export interface Permissions {
  network: string[];
  capabilities: string[];
}

export type PluginState = "installed" | "active" | "inactive" | "uninstalled";

export interface AvailablePlugin {
  slug: string;
  name: string;
  category: string;
  latest_version: string;
  versions: string[];
  dependencies: { name: string; version: string }[];
  permissions: Permissions;
  state: PluginState | "available";
}

export interface Installation {
  slug: string;
  name: string;
  category: string;
  version: string;
  state: PluginState;
  as_dependency: boolean;
  permissions: Permissions;
  installed_at: string;
  updated_at: string;
}

export interface InstalledEntry {
  slug: string;
  version: string;
  as_dependency: boolean;
  permissions: Permissions;
}

export interface InstallResult {
  plugin: Installation;
  installed: InstalledEntry[];
}

export interface TransitionResult {
  plugin: Installation | null;
  changed: string[];
}

/** `?dry_run=true`: what the call would do, refused exactly as it would be, nothing changed. */
export interface DryRun {
  dry_run: true;
  installed?: InstalledEntry[];
  changed?: string[];
}

export interface Published {
  slug: string;
  version: string;
  hash: string;
  created: boolean;
}

export interface ConfigView {
  slug: string;
  version: string;
  config: Record<string, unknown>;
  sensitive: string[];
  missing_required: string[];
}

export interface DependencyNode {
  slug: string;
  range: string;
  version: string | null;
  state: PluginState | "available" | "missing";
  satisfied: boolean;
  dependencies: DependencyNode[];
}

export interface DependenciesView {
  slug: string;
  version: string | null;
  resolvable: boolean;
  dependencies: DependencyNode[];
  dependents: { slug: string; state: PluginState }[];
  /** The resolver's problems: MISSING_DEPENDENCY and VERSION_CONFLICT name a slug, DEPENDENCY_CYCLE a cycle. */
  problems: { code: string; message: string; slug?: string; available?: string[]; cycle?: string[] }[];
}

export interface HealthView {
  slug: string;
  state: PluginState | "available";
  status: "healthy" | "degraded" | "unhealthy" | "inactive" | "not_installed";
  checks: { name: string; ok: boolean; detail: string }[];
  last_error: { at: string; code: string; message: string } | null;
  calls: {
    window: string;
    calls: number;
    errors: number;
    timeouts: number;
    limits_exceeded: number;
    p50_ms: number | null;
    p95_ms: number | null;
    last_error: { at: string; code: string; message: string; kind: string; name: string } | null;
    denied_egress: number;
  };
}

export interface TraceStep {
  plugin: string;
  version: string;
  handler: string;
  priority: number;
  on_failure: "abort" | "skip";
  outcome: "transformed" | "unchanged" | "vetoed" | "failed" | "timeout";
  skipped: boolean;
  started_at: string;
  duration_ms: number;
  error?: string;
}

export interface ChainTrace {
  hook: string;
  outcome: "completed" | "vetoed" | "aborted";
  duration_ms: number;
  steps: TraceStep[];
  created_at?: string;
}

export interface DeliveryAttempt {
  attempt: number;
  started_at: string;
  duration_ms: number;
  outcome: "succeeded" | "failed" | "timeout";
  error: string | null;
}

export interface Delivery {
  id: string;
  plugin_slug: string;
  hook: string;
  status: string;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  attempt_log: DeliveryAttempt[];
}

export interface WebhookAttempt {
  attempt: number;
  started_at: string;
  duration_ms: number;
  outcome: "succeeded" | "failed" | "timeout";
  status_code: number | null;
  response_excerpt: string | null;
  error: string | null;
}

export interface WebhookDelivery {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: string;
  next_attempt_at: string | null;
  last_error: string | null;
  created_at: string;
  completed_at: string | null;
  attempts: WebhookAttempt[];
}

export interface EventView {
  id: string;
  hook: string;
  plugin_slug: string | null;
  trace_id: string | null;
  queue: string;
  created_at: string;
  sent_at: string | null;
  payload: unknown;
  deliveries: Delivery[];
  webhook_deliveries: WebhookDelivery[];
}

export interface TraceView {
  trace_id: string;
  before_hooks: ChainTrace[];
  events: EventView[];
}

export interface DeadLetter {
  id: string;
  queue: string;
  delivery_id: string | null;
  event_id: string | null;
  plugin_slug: string | null;
  hook: string | null;
  attempts: number;
  last_error: string | null;
  created_at: string;
  replayed_at: string | null;
}

export interface ReplayResult {
  replayed: string[];
  skipped: { id: string; reason: string }[];
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  disabled_reason: "manual" | "failing" | null;
  disabled_at: string | null;
  consecutive_failures: number;
  previous_secret_until: string | null;
  created_at: string;
  updated_at: string;
}
