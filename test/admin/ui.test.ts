/**
 * The plugin UI routes against the ui-probe fixture: dashboards drawn in the plugin's isolate, each
 * widget's failure its own, actions for admins only and only those the widget draws, the token never
 * reaching the plugin.
 */

import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { type ErrorResponse, givenTenantWith } from "../helpers.ts";

type Node = { type: string; props: Record<string, unknown>; children: (Node | string | number)[] };
type Widget = {
  plugin: string;
  id: string;
  title: string;
  tree?: Node;
  error?: { code: string; message: string; issues?: { path: string; message: string }[] };
};

/** Every text in a tree, in order. */
const textsOf = (node: Node | string | number): string[] =>
  typeof node === "object" ? node.children.flatMap(textsOf) : [String(node)];

let store: Awaited<ReturnType<typeof givenTenantWith>>;

beforeAll(async () => {
  store = await givenTenantWith({ "ui-probe": {} });
});

describe("GET /api/admin/dashboards", () => {
  it("lists the dashboards the active plugins' widgets name, with their widgets in manifest order", async () => {
    const res = await store.as("viewer")<{ dashboards: { dashboard: string; widgets: Widget[] }[] }>(
      "GET",
      "/api/admin/dashboards",
    );
    expect(res.status).toBe(200);
    expect(res.body.dashboards).toEqual([
      {
        dashboard: "ui-probe",
        widgets: ["echo", "throws", "hangs", "slow", "script", "foreign-link", "huge"].map((id) => ({
          plugin: "ui-probe",
          id,
          title: id,
        })),
      },
    ]);
  });

  it("lists nothing for a tenant whose plugins have no widgets", async () => {
    const other = await givenTenantWith({});
    const res = await other.api<{ dashboards: unknown[] }>("GET", "/api/admin/dashboards");
    expect(res.body).toEqual({ dashboards: [] });
  });
});

describe("GET /api/admin/dashboards/:dashboard", () => {
  let widgets: Map<string, Widget>;
  let status: number;

  beforeAll(async () => {
    const res = await store.as("viewer")<{ dashboard: string; widgets: Widget[] }>(
      "GET",
      "/api/admin/dashboards/ui-probe",
    );
    status = res.status;
    widgets = new Map(res.body.widgets.map((w) => [w.id, w]));
  });

  it("answers 200 with every widget, even when some of them fail", () => {
    expect(status).toBe(200);
    expect([...widgets.keys()]).toEqual(["echo", "throws", "hangs", "slow", "script", "foreign-link", "huge"]);
  });

  it("draws a widget written in TSX as a validated tree, defaults filled in", () => {
    const tree = widgets.get("echo")?.tree;
    expect(tree).toMatchObject({ type: "Card", props: { title: "Echo", description: "first drawn" } });
    expect(tree?.children[1]).toEqual({
      type: "Button",
      props: { label: "Refresh", action: "refresh", variant: "outline" },
      children: [],
    });
  });

  it("passes the widget the viewer's id and role, and never the token", () => {
    const [input] = textsOf(widgets.get("echo")?.tree as Node);
    expect(JSON.parse(input as string)).toEqual({ user: { id: expect.any(String), role: "viewer" } });
    expect(JSON.stringify(widgets.get("echo"))).not.toContain(store.tokens.viewer);
  });

  it("shows a widget that throws as WIDGET_FAILED with its message", () => {
    expect(widgets.get("throws")?.error).toMatchObject({ code: "WIDGET_FAILED" });
    expect(widgets.get("throws")?.error?.message).toContain("the widget broke while drawing");
  });

  it.each(["hangs", "slow"])("shows a widget that %s as WIDGET_TIMEOUT", (id) => {
    expect(widgets.get(id)?.error?.code).toBe("WIDGET_TIMEOUT");
    expect(widgets.get(id)?.tree).toBeUndefined();
  });

  it.each([
    ["script", "type", "is not a component"],
    ["foreign-link", "children.0.props.href", "own endpoints (/api/plugins/ui-probe/...)"],
    // the root Stack is node 1 and each Badge with its text two more: the 2,001st node is Badge 999's text
    ["huge", "children.999.children.0", "more than 2000 nodes"],
  ])("refuses the %s widget's tree as WIDGET_INVALID at %s", (id, path, message) => {
    const error = widgets.get(id)?.error;
    expect(error?.code).toBe("WIDGET_INVALID");
    expect(error?.issues).toContainEqual({ path, message: expect.stringContaining(message) });
    expect(widgets.get(id)?.tree).toBeUndefined();
  });

  it("answers 404 naming the dashboards for one no active plugin has", async () => {
    const res = await store.api<ErrorResponse>("GET", "/api/admin/dashboards/sales");
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain("the dashboards are: ui-probe");
  });

  it("accounts each widget drawn as a call of kind widget, failures included", async () => {
    const { results } = await ledgerDb(env, store.tenant.id)
      .prepare("SELECT name, outcome FROM plugin_calls WHERE tenant_id = ? AND slug = 'ui-probe' AND kind = 'widget'")
      .bind(store.tenant.id)
      .all<{ name: string; outcome: string }>();
    expect(results).toContainEqual({ name: "throws", outcome: "error" });
    expect(results).toContainEqual({ name: "hangs", outcome: "timeout" });
    expect(results).toContainEqual({ name: "echo", outcome: "ok" });
  });
});

describe("POST /api/admin/plugins/:slug/widgets/:id/actions/:action", () => {
  const action = (name: string, body?: unknown, id = "echo") =>
    store.api<{ tree: Node } & ErrorResponse>(
      "POST",
      `/api/admin/plugins/ui-probe/widgets/${id}/actions/${name}`,
      body,
    );

  it("sends a Form's action with its values and the admin's role, and answers the widget redrawn", async () => {
    const res = await action("save", { values: { note: "hello", loud: true } });
    expect(res.status).toBe(200);
    const [input, , saved] = textsOf(res.body.tree);
    expect(JSON.parse(input as string)).toEqual({
      action: "save",
      values: { note: "hello", loud: true },
      user: { id: expect.any(String), role: "admin" },
    });
    expect(saved).toBe("saved");
    expect(JSON.stringify(res.body)).not.toContain(store.tokens.admin);
  });

  it("sends a Button's action without a body", async () => {
    const res = await action("refresh");
    expect(res.status).toBe(200);
    expect(res.body.tree.props.description).toBe("after refresh");
  });

  it("refuses a viewer with 403, whatever the page showed", async () => {
    const res = await store.as("viewer")<ErrorResponse>(
      "POST",
      "/api/admin/plugins/ui-probe/widgets/echo/actions/refresh",
    );
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
  });

  it("refuses an action the widget does not draw, naming the ones it does", async () => {
    const res = await action("delete-everything");
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "UNKNOWN_ACTION" });
    expect(res.body.error.message).toContain("its actions are: refresh, save");
  });

  it("refuses values for a field the action's form does not have", async () => {
    const res = await action("save", { values: { note: "x", admin: true } });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain("values.admin");
  });

  it.each([
    ["a nested object", { values: { note: { html: "<b>" } } }],
    ["a list", { values: { note: ["a"] } }],
    ["a key that is not plain", { values: { "../note": "x" } }],
    ["a text too long", { values: { note: "x".repeat(2_001) } }],
    ["too many values", { values: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, i])) }],
    ["an unknown body field", { values: {}, token: "x" }],
  ])("refuses %s as values with 400", async (_, body) => {
    const res = await action("save", body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
  });

  it("answers 404 for a widget the plugin does not have", async () => {
    const res = await action("refresh", undefined, "nope");
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain("its widgets are: echo, throws");
  });

  it("answers 502 WIDGET_FAILED for a widget that throws", async () => {
    const res = await action("refresh", undefined, "throws");
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe("WIDGET_FAILED");
  });
});

describe("the settings component", () => {
  it("draws the manifest's settings_component for any role", async () => {
    const res = await store.as("viewer")<{ tree: Node }>("GET", "/api/admin/plugins/ui-probe/settings-component");
    expect(res.status).toBe(200);
    expect(res.body.tree).toMatchObject({ type: "Stack", children: [{ type: "Text" }, { type: "Button" }] });
  });

  it("runs its actions through the action route with id settings", async () => {
    const res = await store.api<{ tree: Node }>("POST", "/api/admin/plugins/ui-probe/widgets/settings/actions/check");
    expect(res.status).toBe(200);
    expect(res.body.tree.children[1]).toMatchObject({ type: "Alert", props: { title: "Connection works" } });
    expect(textsOf(res.body.tree)).toContain("admin");
  });

  it("answers 404 for a plugin without one", async () => {
    const other = await givenTenantWith({ recorder: {} });
    const res = await other.api<ErrorResponse>("GET", "/api/admin/plugins/recorder/settings-component");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("WIDGET_NOT_FOUND");
  });
});

describe("the OpenAPI document", () => {
  it("describes the plugin UI routes", async () => {
    const doc = (await (await SELF.fetch("http://commerce.test/api/openapi.json")).json()) as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    expect(doc.paths["/api/admin/dashboards"]?.get?.tags).toEqual(["Plugin UI"]);
    expect(Object.keys(doc.paths["/api/admin/dashboards/{dashboard}"] ?? {})).toEqual(["get"]);
    expect(Object.keys(doc.paths["/api/admin/plugins/{slug}/widgets/{id}/actions/{action}"] ?? {})).toEqual(["post"]);
    expect(Object.keys(doc.paths["/api/admin/plugins/{slug}/settings-component"] ?? {})).toEqual(["get"]);
  });
});
