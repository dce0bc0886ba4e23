/** The admin API's routes as OpenAPI definitions: paths and verbs as the spec's "Admin API" section lists them. */
import { createRoute, z } from "@hono/zod-openapi";
import { errorBodySchema } from "../errors/index.ts";
import { callHistorySchema } from "../sandbox/index.ts";
import {
  availableList,
  cascadeQuery,
  configBody,
  configView,
  dependenciesView,
  dryRunQuery,
  graphView,
  healthHistoryQuery,
  healthView,
  installBody,
  installedList,
  installPlan,
  installResult,
  pluginDetails,
  publishBody,
  publishResult,
  rollbackPlan,
  slugParam,
  transitionPlan,
  transitionResult,
  upgradeBody,
  upgradePlan,
  versionChangeResult,
} from "./schemas.ts";

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});
const errors = (...statuses: (400 | 404 | 409 | 413 | 422)[]) =>
  Object.fromEntries(
    [401, 403, ...statuses].map((s) => [
      s,
      json(
        errorBodySchema,
        {
          400: "Bad input",
          401: "No or bad token",
          403: "Role too low",
          404: "Unknown plugin",
          409: "Illegal transition or dependency problem",
          413: "Bundle too large",
          422: "Invalid configuration",
        }[s] ?? "Error",
      ),
    ]),
  );
const security = [{ Bearer: [] }];
const tags = ["Plugins"];

export const listAvailable = createRoute({
  method: "get",
  path: "/available",
  tags,
  security,
  summary: "List available plugins",
  responses: {
    200: json(availableList, "Every plugin in the catalogue, with this tenant's state"),
    ...errors(),
  },
});

export const listInstalled = createRoute({
  method: "get",
  path: "/installed",
  tags,
  security,
  summary: "List installed plugins",
  responses: {
    200: json(installedList, "This tenant's installed plugins"),
    ...errors(),
  },
});

export const dependencyGraph = createRoute({
  method: "get",
  path: "/graph/dependencies",
  tags,
  security,
  summary: "Get dependency graph",
  responses: { 200: json(graphView, "Nodes and edges of the plugin dependency graph"), ...errors() },
});

export const getDetails = createRoute({
  method: "get",
  path: "/{slug}",
  tags,
  security,
  summary: "Get plugin details",
  request: { params: slugParam },
  responses: {
    200: json(pluginDetails, "The plugin's manifest, versions and this tenant's installation"),
    ...errors(404),
  },
});

export const publish = createRoute({
  method: "post",
  path: "/",
  tags,
  security,
  summary: "Publish a plugin version",
  description:
    "Adds a plugin version (manifest and bundle, as bundlePlugin builds them) to the catalogue every tenant sees, so it needs a token with the plugins:publish scope as well as the admin role. Publishing the same content again answers 200 with created: false; a published version never changes, so different content under it is refused (409 VERSION_EXISTS): bump the version.",
  request: { body: { content: { "application/json": { schema: publishBody } }, required: true } },
  responses: {
    201: json(publishResult, "Published"),
    200: json(publishResult, "Exactly this version was published already"),
    ...errors(400, 409, 413),
    403: json(errorBodySchema, "Role too low, or the token lacks the plugins:publish scope"),
    409: json(errorBodySchema, "This version is published already with other contents (VERSION_EXISTS)"),
    422: json(errorBodySchema, "The manifest does not validate (INVALID_MANIFEST, each problem with its path)"),
  },
});

const dryRunNote =
  " With dry_run=true it only plans: 200 with what it would change, the same refusals, nothing changed.";

export const install = createRoute({
  method: "post",
  path: "/{slug}/install",
  tags,
  security,
  summary: "Install plugin",
  description: `Resolves dependencies and installs the plugin with any missing dependencies, granting their declared permissions.${dryRunNote}`,
  request: {
    params: slugParam,
    query: dryRunQuery,
    body: { content: { "application/json": { schema: installBody } }, required: false },
  },
  responses: {
    201: json(installResult, "Installed"),
    200: json(installPlan, "Dry run: what the install would install"),
    ...errors(400, 404, 409, 422),
  },
});

const transitionAnswer = z.union([transitionResult, transitionPlan]);

const transition = (path: "activate" | "deactivate", summary: string) =>
  createRoute({
    method: "post",
    path: `/{slug}/${path}`,
    tags,
    security,
    summary,
    description: dryRunNote.trim(),
    request: { params: slugParam, query: cascadeQuery },
    responses: { 200: json(transitionAnswer, "Done, or the dry run's plan"), ...errors(400, 404, 409, 422) },
  });

export const activate = transition("activate", "Activate plugin");
export const deactivate = transition("deactivate", "Deactivate plugin");

export const upgrade = createRoute({
  method: "post",
  path: "/{slug}/upgrade",
  tags,
  security,
  summary: "Upgrade plugin",
  description: `Moves the installation to another version within what the tenant's dependents allow, keeping its state: dependencies the new version needs moved move with it, the configuration migrates, pending database migrations run (all or none), then onUpgrade; any failure leaves the old version active. New permissions need approve_permissions: true (403 PERMISSIONS_NOT_APPROVED).${dryRunNote}`,
  request: {
    params: slugParam,
    query: dryRunQuery,
    body: { content: { "application/json": { schema: upgradeBody } }, required: false },
  },
  responses: {
    200: json(z.union([versionChangeResult, upgradePlan]), "Upgraded, or the dry run's plan"),
    ...errors(400, 404, 409, 422),
  },
});

export const rollback = createRoute({
  method: "post",
  path: "/{slug}/rollback",
  tags,
  security,
  summary: "Roll back plugin",
  description: `Undoes the installation's last upgrade: every plugin it moved goes back to its earlier version with the configuration and permissions it had, and the upgrade's database migrations are undone; a migration without down refuses (409 ROLLBACK_REFUSED).${dryRunNote}`,
  request: { params: slugParam, query: dryRunQuery },
  responses: {
    200: json(z.union([versionChangeResult, rollbackPlan]), "Rolled back, or the dry run's plan"),
    ...errors(400, 404, 409, 422),
  },
});

export const uninstall = createRoute({
  method: "delete",
  path: "/{slug}",
  tags,
  security,
  summary: "Uninstall plugin",
  description: dryRunNote.trim(),
  request: { params: slugParam, query: cascadeQuery },
  responses: { 200: json(transitionAnswer, "Uninstalled, or the dry run's plan"), ...errors(400, 404, 409) },
});

export const putConfig = createRoute({
  method: "put",
  path: "/{slug}/config",
  tags,
  security,
  summary: "Update configuration",
  request: { params: slugParam, body: { content: { "application/json": { schema: configBody } }, required: true } },
  responses: {
    200: json(configView, "The stored configuration, sensitive values masked"),
    ...errors(400, 404, 409, 422),
  },
});

export const getConfig = createRoute({
  method: "get",
  path: "/{slug}/config",
  tags,
  security,
  summary: "Get configuration",
  request: { params: slugParam },
  responses: { 200: json(configView, "The configuration, sensitive values masked"), ...errors(404, 409) },
});

export const dependencies = createRoute({
  method: "get",
  path: "/{slug}/dependencies",
  tags,
  security,
  summary: "Check dependencies",
  request: { params: slugParam },
  responses: { 200: json(dependenciesView, "The dependency tree, dependents and problems"), ...errors(404) },
});

export const healthHistory = createRoute({
  method: "get",
  path: "/{slug}/health/history",
  tags,
  security,
  summary: "Get the plugin's calls over time",
  description:
    "For each minute, hour or day of the window ending now (UTC): calls, errors, timeouts, limits hit, p50/p95 latency, TCP connections and denied egress, for this tenant. Every bucket is present.",
  request: { params: slugParam, query: healthHistoryQuery },
  responses: {
    200: json(callHistorySchema.openapi("PluginCallHistory"), "The buckets, oldest first"),
    ...errors(400, 404),
  },
});

export const health = createRoute({
  method: "get",
  path: "/{slug}/health",
  tags,
  security,
  summary: "Get health status",
  request: { params: slugParam },
  responses: { 200: json(healthView, "Health checks of the plugin for this tenant"), ...errors(404) },
});
