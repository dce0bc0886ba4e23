/**
 * Plugin UI on the platform's side: which widgets the tenant's active plugins put on which dashboard,
 * and drawing one (or its settings component) in the plugin's isolate. What the isolate answers is
 * validated with `parseUiTree` against the plugin's own slug before anything reaches the browser: a
 * widget that throws, hangs or answers a tree outside the schema is an error entry, never the page's.
 */
import {
  type PluginManifest,
  parseUiTree,
  type UiInput,
  type UiIssue,
  type UiNode,
  UiTreeError,
} from "@digital-commerce/plugin-sdk";
import { PlatformError } from "../errors/index.ts";
import { invokePlugin, type SandboxDeps, SandboxError, type SandboxTarget } from "../sandbox/index.ts";

export type UiErrorCode = "WIDGET_NOT_FOUND" | "UNKNOWN_ACTION" | "WIDGET_FAILED" | "WIDGET_TIMEOUT" | "WIDGET_INVALID";
export class UiError extends PlatformError<UiErrorCode> {}

/** Wall-clock milliseconds one widget may take to draw: a dashboard waits for its slowest widget. */
export const WIDGET_TIMEOUT_MS = 3_000;

/** The id the settings component answers to on the action route (a widget's id is kebab-case, like this). */
export const SETTINGS_COMPONENT_ID = "settings";

/** A module the dashboard draws: a widget, or the plugin's settings component. */
export interface UiModuleRef {
  plugin: string;
  id: string;
  title: string;
  dashboard?: string;
  /** The module path the manifest names, as the bundle knows it. */
  component: string;
}

/** Each widget the manifest declares, as a drawable module. */
export function widgetsOf(slug: string, manifest: PluginManifest): UiModuleRef[] {
  return (manifest.admin_ui?.widgets ?? []).map((w) => ({
    plugin: slug,
    id: w.id,
    title: w.title ?? w.id,
    dashboard: w.dashboard,
    component: w.component,
  }));
}

/** The widget `id` of the plugin, or its settings component when `id` is `settings` and it declares one. */
export function uiModuleOf(target: SandboxTarget, id: string): UiModuleRef {
  const settings = target.manifest.admin_ui?.settings_component;
  if (id === SETTINGS_COMPONENT_ID && settings) {
    return { plugin: target.slug, id, title: `${target.manifest.name} settings`, component: settings };
  }
  const widget = widgetsOf(target.slug, target.manifest).find((w) => w.id === id);
  if (widget) return widget;
  const ids = widgetsOf(target.slug, target.manifest).map((w) => w.id);
  const offered = [...ids, ...(settings ? [SETTINGS_COMPONENT_ID] : [])];
  throw new UiError(
    "WIDGET_NOT_FOUND",
    id === SETTINGS_COMPONENT_ID
      ? `${target.slug} has no settings component (admin_ui.settings_component).`
      : `${target.slug} has no widget ${id}; its widgets are: ${offered.join(", ") || "none"}.`,
    { plugin: target.slug, widget: id },
  );
}

/**
 * Draws `module` in the plugin's isolate with `input` and answers the validated tree. Throws UiError:
 * WIDGET_TIMEOUT past the widget's time, WIDGET_FAILED when it throws, WIDGET_INVALID (with the
 * issues' paths) when its tree is outside the schema or links outside the plugin's endpoints.
 */
export async function renderUiModule(
  deps: SandboxDeps,
  target: SandboxTarget,
  module: UiModuleRef,
  input: UiInput,
): Promise<UiNode> {
  let raw: unknown;
  try {
    raw = await invokePlugin(deps, target, {
      kind: "widget",
      name: input.action ? `${module.id} ${input.action}` : module.id,
      timeoutMs: WIDGET_TIMEOUT_MS,
      run: (worker, invocation) => worker.renderUi(module.component, input, invocation),
    });
  } catch (error) {
    if (!(error instanceof SandboxError)) throw error;
    const timedOut = error.code === "PLUGIN_TIMEOUT";
    throw new UiError(timedOut ? "WIDGET_TIMEOUT" : "WIDGET_FAILED", error.message, {
      plugin: module.plugin,
      widget: module.id,
      cause: error.code,
    });
  }
  try {
    return parseUiTree(raw, { slug: target.slug });
  } catch (error) {
    if (!(error instanceof UiTreeError)) throw error;
    // the first issues only: a 10,000-node tree's every problem would be a page of its own
    const issues: UiIssue[] = error.issues.slice(0, 20);
    throw new UiError(
      "WIDGET_INVALID",
      `${module.plugin}'s ${module.id} answered a tree the dashboard cannot draw: ${issues
        .slice(0, 3)
        .map((i) => `${i.path || "(root)"}: ${i.message}`)
        .join("; ")}`,
      { plugin: module.plugin, widget: module.id, issues },
    );
  }
}

/** A widget on a dashboard as the dashboard route answers it: its tree, or why there is none. */
export type RenderedWidget =
  | { plugin: string; id: string; title: string; tree: UiNode }
  | {
      plugin: string;
      id: string;
      title: string;
      error: { code: WidgetFailureCode; message: string; issues?: UiIssue[] };
    };

/** How drawing a widget can fail: what a dashboard shows in the widget's place. */
export type WidgetFailureCode = "WIDGET_FAILED" | "WIDGET_TIMEOUT" | "WIDGET_INVALID";
const isWidgetFailure = (code: UiErrorCode): code is WidgetFailureCode =>
  code === "WIDGET_FAILED" || code === "WIDGET_TIMEOUT" || code === "WIDGET_INVALID";

/** Draws one widget of a dashboard; its failure is its entry's `error`, not the dashboard's. */
export async function renderDashboardWidget(
  deps: SandboxDeps,
  target: SandboxTarget,
  module: UiModuleRef,
  user: UiInput["user"],
): Promise<RenderedWidget> {
  const head = { plugin: module.plugin, id: module.id, title: module.title };
  try {
    return { ...head, tree: await renderUiModule(deps, target, module, { user }) };
  } catch (error) {
    if (!(error instanceof UiError) || !isWidgetFailure(error.code)) throw error;
    const issues = (error.details as { issues?: UiIssue[] } | undefined)?.issues;
    return { ...head, error: { code: error.code, message: error.message, ...(issues ? { issues } : {}) } };
  }
}

/** Each Button's and Form's action in a validated tree, with the names of the fields each Form sends. */
export function actionsOf(tree: UiNode): Map<string, Set<string>> {
  const actions = new Map<string, Set<string>>();
  const fieldsOf = (node: UiNode, into: Set<string>) => {
    if (typeof node !== "object") return;
    if (["Input", "Select", "Switch"].includes(node.type) && typeof node.props.name === "string")
      into.add(node.props.name);
    for (const child of node.children) fieldsOf(child, into);
  };
  const visit = (node: UiNode) => {
    if (typeof node !== "object") return;
    const action = node.props.action;
    if ((node.type === "Button" || node.type === "Form") && typeof action === "string") {
      const fields = actions.get(action) ?? new Set<string>();
      if (node.type === "Form") fieldsOf(node, fields);
      actions.set(action, fields);
    }
    for (const child of node.children) visit(child);
  };
  visit(tree);
  return actions;
}

/**
 * Refuses an action the operator could not have started: one no Button or Form of the tree they were
 * shown names, or values for fields its Forms do not have.
 */
export function checkAction(
  module: UiModuleRef,
  tree: UiNode,
  action: string,
  values: Record<string, unknown> | undefined,
): void {
  const actions = actionsOf(tree);
  const fields = actions.get(action);
  if (!fields) {
    const offered = [...actions.keys()];
    throw new UiError(
      "UNKNOWN_ACTION",
      `${module.plugin}'s ${module.id} has no action ${action} in what it draws now; its actions are: ${offered.join(", ") || "none"}.`,
      { plugin: module.plugin, widget: module.id, action, actions: offered },
    );
  }
  const unknown = Object.keys(values ?? {}).filter((name) => !fields.has(name));
  if (unknown.length > 0) {
    throw new UiError(
      "UNKNOWN_ACTION",
      `values.${unknown[0]}: the ${action} action of ${module.plugin}'s ${module.id} has no field ${unknown.join(", ")}; its fields are: ${[...fields].join(", ") || "none"}.`,
      { plugin: module.plugin, widget: module.id, action, fields: [...fields] },
    );
  }
}
