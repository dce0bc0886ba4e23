/**
 * Plugin dashboards' answers: which widgets the tenant's active plugins put on which dashboard, and a
 * dashboard drawn, each widget a UI tree (validated by the platform) or the reason it has none.
 */
import { z } from "zod";

/** A validated tree; its shape is the SDK's (components and props as sdk/src/ui/tree.ts allows them). */
export const uiTreeView = z.unknown().meta({
  description:
    "A UI tree: a text, a number, or { type, props, children, key? } with type one of the SDK's components (Stack, Grid, Card, Heading, Text, Badge, Alert, Stat, Table, LineChart, BarChart, Button, Form, Input, Select, Switch, Link), props filled with their defaults. Validated by the platform with parseUiTree.",
  example: { type: "Stat", props: { label: "Orders", value: 12, trend: 0.25 }, children: [] },
});

const uiIssueView = z.object({
  path: z.string().meta({ example: "children.0.props.href" }),
  message: z.string(),
});

const widgetHead = {
  plugin: z.string().meta({ example: "analytics-dashboard" }),
  id: z.string().meta({ example: "sales-kpis" }),
  title: z.string().meta({ example: "Sales" }),
};
export const widgetRef = z.object(widgetHead);
export type WidgetRef = z.infer<typeof widgetRef>;

export const renderedWidgetView = z
  .union([
    z.object({ ...widgetHead, tree: uiTreeView }),
    z.object({
      ...widgetHead,
      error: z.object({
        /** WIDGET_FAILED (its module threw), WIDGET_TIMEOUT, WIDGET_INVALID (the schema refused its tree). */
        code: z.enum(["WIDGET_FAILED", "WIDGET_TIMEOUT", "WIDGET_INVALID"]),
        message: z.string(),
        issues: z.array(uiIssueView).optional().meta({ description: "WIDGET_INVALID: where the tree is wrong." }),
      }),
    }),
  ])
  .meta({ id: "RenderedWidget" });
export type RenderedWidget = z.infer<typeof renderedWidgetView>;

export const dashboardsView = z
  .object({
    dashboards: z.array(
      z.object({
        dashboard: z.string().meta({ example: "analytics" }),
        widgets: z.array(widgetRef),
      }),
    ),
  })
  .meta({ id: "Dashboards" });
export type DashboardsList = z.infer<typeof dashboardsView>;

export const dashboardView = z
  .object({ dashboard: z.string(), widgets: z.array(renderedWidgetView) })
  .meta({ id: "Dashboard" });
export type DashboardView = z.infer<typeof dashboardView>;

export const treeView = z.object({ tree: uiTreeView }).meta({ id: "UiTree" });
export type TreeView = z.infer<typeof treeView>;
