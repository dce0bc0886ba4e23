/**
 * What the admin API answers, as the dashboard reads it. The shapes are the API's zod schemas
 * (api/src/admin/schemas.ts, pipeline-routes.ts; the OpenAPI document at /api/openapi.json), written
 * out here because those modules import Workers-only code the browser build cannot type-check.
 * Manifest, settings and permission types come from the SDK itself, which is browser-safe.
 */
import type { Permissions, PluginCategory, PluginDependency, PluginManifest } from "@digital-commerce/plugin-sdk";

export type Role = "owner" | "admin" | "viewer";
export type PluginState = "installed" | "active" | "inactive";

export interface WhoAmI {
  tenant: { id: string; slug: string; name: string };
  role: Role;
  scopes: string[];
}

export interface AvailablePlugin {
  slug: string;
  name: string;
  category: PluginCategory;
  description?: string;
  author?: string;
  latest_version: string;
  versions: string[];
  dependencies: PluginDependency[];
  permissions: Permissions;
  state: PluginState | "available";
}

export interface Installation {
  slug: string;
  name: string;
  category: PluginCategory;
  version: string;
  state: PluginState;
  as_dependency: boolean;
  permissions: Permissions;
  installed_at: string;
  updated_at: string;
}

export interface PluginDetails {
  slug: string;
  latest_version: string;
  versions: string[];
  manifest: PluginManifest;
  installation: Installation | null;
}

export interface InstalledEntry {
  slug: string;
  version: string;
  as_dependency: boolean;
  permissions: Permissions;
}

export interface InstallPlan {
  dry_run: true;
  installed: InstalledEntry[];
}
export interface TransitionPlan {
  dry_run: true;
  changed: string[];
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
  problems: { code: string; message: string }[];
}

export interface DependencyGraph {
  nodes: { slug: string; name: string; version: string; state: PluginState | "available" }[];
  edges: { from: string; to: string; range: string; satisfied: boolean }[];
}

export interface CallStats {
  window: string;
  calls: number;
  errors: number;
  timeouts: number;
  limits_exceeded: number;
  p50_ms: number | null;
  p95_ms: number | null;
  last_error: { at: string; code: string; message: string; kind: string; name: string } | null;
  denied_egress: number;
  connections: number;
}

/** GET /api/admin/plugins/:slug/health/history: one bucket of the plugin's calls. */
export interface HistoryPoint {
  at: string;
  calls: number;
  errors: number;
  timeouts: number;
  limits: number;
  p50_ms: number | null;
  p95_ms: number | null;
  connections: number;
  denied_egress: number;
}

export interface CallHistory {
  bucket: "minute" | "hour" | "day";
  from: string;
  to: string;
  points: HistoryPoint[];
}

export type HealthStatus = "healthy" | "degraded" | "unhealthy" | "inactive" | "not_installed";

export interface PluginHealth {
  slug: string;
  state: PluginState | "available";
  status: HealthStatus;
  checks: { name: string; ok: boolean; detail: string }[];
  last_error: { at: string; code: string; message: string } | null;
  calls: CallStats;
}

export interface DeadLetter {
  id: string;
  queue: string;
  delivery_id: string | null;
  event_id: string | null;
  plugin_slug: string | null;
  hook: string | null;
  body: unknown;
  attempts: number;
  last_error: string | null;
  created_at: string;
  replayed_at: string | null;
}

export interface ReplayResult {
  replayed: string[];
  skipped: { id: string; reason: string }[];
}

/** A widget as the dashboards list names it: which plugin, which of its widgets, on which dashboard. */
export interface DashboardWidgetRef {
  plugin: string;
  id: string;
  title?: string | null;
}

/** GET /api/admin/dashboards: the dashboards the tenant's active plugins' widgets name. */
export interface DashboardsList {
  dashboards: { dashboard: string; widgets: DashboardWidgetRef[] }[];
}

/**
 * A widget of GET /api/admin/dashboards/:dashboard: the tree its module rendered (validated by the
 * platform, checked again by the page), or why it has none (its module threw, timed out, or returned
 * a tree the schema refuses).
 */
export type DashboardWidget =
  | (DashboardWidgetRef & { tree: unknown })
  | (DashboardWidgetRef & {
      error: {
        /** WIDGET_FAILED (its module threw), WIDGET_TIMEOUT, WIDGET_INVALID (the schema refused its tree). */
        code: string;
        message: string;
        /** WIDGET_INVALID: where in the tree, and what is wrong there. */
        issues?: { path: string; message: string }[];
      };
    });

export interface DashboardView {
  dashboard: string;
  widgets: DashboardWidget[];
}
