/**
 * The plugin UI routes as OpenAPI definitions: dashboards of widgets drawn in their plugins' isolates,
 * a widget's (or settings component's) actions, and the settings component. Trees follow the SDK's
 * UI tree schema (sdk/src/ui/tree.ts), which the platform applies to every tree before answering it.
 */
import { uiValuesSchema } from "@digital-commerce/plugin-sdk";
import { createRoute, z } from "@hono/zod-openapi";
import { errorBodySchema } from "../errors/index.ts";
import { dashboardsView, dashboardView, treeView } from "./answers/index.ts";
import { slugParam } from "./schemas.ts";

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});
const security = [{ Bearer: [] }];
const tags = ["Plugin UI"];

export const dashboardParam = z.object({
  dashboard: z
    .string()
    .min(1)
    .openapi({ param: { name: "dashboard", in: "path" }, example: "analytics" }),
});

export const actionParams = slugParam.extend({
  id: z
    .string()
    .openapi({ param: { name: "id", in: "path" }, example: "sales-kpis", description: "A widget id, or settings." }),
  action: z.string().openapi({ param: { name: "action", in: "path" }, example: "refresh" }),
});

export const actionBody = z
  .object({
    values: uiValuesSchema.optional().openapi({
      description: "The Form's values by input name: texts, numbers, booleans or null; at most 50.",
      example: { goal: 150000, weekly: true },
    }),
  })
  .strict();

export const listDashboards = createRoute({
  method: "get",
  path: "/dashboards",
  tags,
  security,
  summary: "List dashboards",
  description: "The dashboards the tenant's active plugins put widgets on, with their widgets. Any role.",
  responses: {
    200: json(dashboardsView, "Each dashboard with its widgets"),
    401: json(errorBodySchema, "No or bad token"),
  },
});

export const getDashboard = createRoute({
  method: "get",
  path: "/dashboards/{dashboard}",
  tags,
  security,
  summary: "Draw a dashboard",
  description:
    "Each widget of the dashboard drawn in its plugin's isolate, in parallel, each within a few seconds. A widget that throws, times out or answers an invalid tree is an entry with `error` (WIDGET_FAILED, WIDGET_TIMEOUT, WIDGET_INVALID with the issues' paths); the others are drawn. Any role.",
  request: { params: dashboardParam },
  responses: {
    200: json(dashboardView, "The dashboard's widgets, each a tree or an error"),
    401: json(errorBodySchema, "No or bad token"),
    404: json(errorBodySchema, "No active plugin has a widget on this dashboard"),
  },
});

export const runAction = createRoute({
  method: "post",
  path: "/plugins/{slug}/widgets/{id}/actions/{action}",
  tags,
  security,
  summary: "Run a widget's action",
  description:
    "Sends an action of a Button or Form of the widget (or, with id `settings`, of the settings component) to the plugin's module with the form's values and the caller's user id and role (never the token), and answers the widget redrawn. Needs the admin role. The action must be one the widget draws now, and the values those of its Form's fields.",
  request: {
    params: actionParams,
    body: { content: { "application/json": { schema: actionBody } }, required: false },
  },
  responses: {
    200: json(treeView, "The widget redrawn after the action"),
    400: json(errorBodySchema, "Values that are not flat, primitive and few"),
    401: json(errorBodySchema, "No or bad token"),
    403: json(errorBodySchema, "Role too low: viewers may look, not act"),
    404: json(errorBodySchema, "Plugin not active, or no such widget"),
    422: json(errorBodySchema, "The widget draws no such action, or its form has no such field (UNKNOWN_ACTION)"),
    502: json(errorBodySchema, "The widget failed or answered an invalid tree (WIDGET_FAILED, WIDGET_INVALID)"),
    504: json(errorBodySchema, "The widget took too long (WIDGET_TIMEOUT)"),
  },
});

export const getSettingsComponent = createRoute({
  method: "get",
  path: "/plugins/{slug}/settings-component",
  tags,
  security,
  summary: "Draw a plugin's settings component",
  description:
    "The manifest's admin_ui.settings_component drawn in the plugin's isolate: shown beside the settings form generated from settings_schema, whose validation still applies to every change. Its actions go through the action route with id `settings`. Any role.",
  request: { params: slugParam },
  responses: {
    200: json(treeView, "The settings component's tree"),
    401: json(errorBodySchema, "No or bad token"),
    404: json(errorBodySchema, "Plugin not installed, or without a settings component"),
    502: json(errorBodySchema, "The component failed or answered an invalid tree"),
    504: json(errorBodySchema, "The component took too long"),
  },
});
