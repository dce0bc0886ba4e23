/**
 * Handlers of the plugin UI routes: dashboards drawn from the tenant's active plugins' widgets, a
 * widget's actions (admins only, whatever the page showed), and a plugin's settings component. The
 * plugin receives the caller's user id (the token's id) and role, never the token.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { requireRole } from "../auth/index.ts";
import { RequestError } from "../errors/index.ts";
import { sandboxDepsOf, validationHook } from "../http/index.ts";
import { activeTargets, findTarget, SandboxError, type SandboxTarget } from "../sandbox/index.ts";
import {
  checkAction,
  renderDashboardWidget,
  renderUiModule,
  SETTINGS_COMPONENT_ID,
  UiError,
  type UiModuleRef,
  uiModuleOf,
  widgetsOf,
} from "./ui-render.ts";
import * as routes from "./ui-routes.ts";

export const uiAdmin = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

/** The API checks the role itself: a viewer's page shows no buttons, but a request can be sent without the page. */
uiAdmin.on("POST", "/plugins/:slug/widgets/*", requireRole("admin"));

const userOf = (c: Context<AppEnv>) => {
  const { tokenId, role } = c.get("principal");
  return { id: tokenId, role };
};

/** Every active plugin's widgets, in slug order, each plugin's in its manifest's order. */
async function activeWidgets(c: Context<AppEnv>) {
  const targets = (await activeTargets(c.env, c.get("principal").tenantId)).sort((a, b) =>
    a.slug.localeCompare(b.slug),
  );
  return targets.flatMap((target) => widgetsOf(target.slug, target.manifest).map((widget) => ({ target, widget })));
}

uiAdmin.openapi(routes.listDashboards, async (c) => {
  const byName = new Map<string, { plugin: string; id: string; title: string }[]>();
  for (const { widget } of await activeWidgets(c)) {
    const name = widget.dashboard ?? "";
    byName.set(name, [...(byName.get(name) ?? []), { plugin: widget.plugin, id: widget.id, title: widget.title }]);
  }
  const dashboards = [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([dashboard, widgets]) => ({ dashboard, widgets }));
  return c.json({ dashboards }, 200);
});

uiAdmin.openapi(routes.getDashboard, async (c) => {
  const { dashboard } = c.req.valid("param");
  const all = await activeWidgets(c);
  const on = all.filter(({ widget }) => widget.dashboard === dashboard);
  if (on.length === 0) {
    const names = [...new Set(all.map(({ widget }) => widget.dashboard))].sort();
    throw new RequestError(
      "NOT_FOUND",
      `No active plugin has a widget on the ${dashboard} dashboard; the dashboards are: ${names.join(", ") || "none"}.`,
    );
  }
  const deps = sandboxDepsOf(c);
  const user = userOf(c);
  // in parallel, each under its own timeout: the page waits for its slowest widget, not for their sum
  const widgets = await Promise.all(on.map(({ target, widget }) => renderDashboardWidget(deps, target, widget, user)));
  return c.json({ dashboard, widgets }, 200);
});

/** The tenant's installation of `slug`; widgets are drawn for active plugins only, the settings component for any. */
async function installedTarget(c: Context<AppEnv>, slug: string, active: boolean): Promise<SandboxTarget> {
  const target = await findTarget(c.env, c.get("principal").tenantId, slug);
  if (!target || (active && target.state !== "active")) {
    throw new SandboxError("PLUGIN_NOT_ACTIVE", `${slug} is not ${active ? "active" : "installed"} for this tenant.`, {
      slug,
    });
  }
  c.set("log", c.get("log").child({ plugin: slug }));
  return target;
}

uiAdmin.openapi(routes.runAction, async (c) => {
  const { slug, id, action } = c.req.valid("param");
  const { values } = c.req.valid("json") ?? {};
  const target = await installedTarget(c, slug, id !== SETTINGS_COMPONENT_ID);
  const module: UiModuleRef = uiModuleOf(target, id);
  const deps = sandboxDepsOf(c);
  const user = userOf(c);
  // the action must be one the operator could have started: drawn now, by a Button or a Form with those fields
  const current = await renderUiModule(deps, target, module, { user });
  checkAction(module, current, action, values);
  const tree = await renderUiModule(deps, target, module, { action, ...(values ? { values } : {}), user });
  return c.json({ tree }, 200);
});

uiAdmin.openapi(routes.getSettingsComponent, async (c) => {
  const { slug } = c.req.valid("param");
  const target = await installedTarget(c, slug, false);
  if (!target.manifest.admin_ui?.settings_component) {
    throw new UiError("WIDGET_NOT_FOUND", `${slug} has no settings component (admin_ui.settings_component).`, {
      plugin: slug,
    });
  }
  const tree = await renderUiModule(sandboxDepsOf(c), target, uiModuleOf(target, SETTINGS_COMPONENT_ID), {
    user: userOf(c),
  });
  return c.json({ tree }, 200);
});
