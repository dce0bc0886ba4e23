/**
 * The plugin UI tree: what a widget or a settings component renders to, in the plugin's isolate, and
 * the only thing of a plugin's UI that reaches the operator's browser. No plugin code runs there: the
 * dashboard draws this tree with its own shadcn components. The schema is an allow-list: a node is one
 * of the components below with exactly its props (no HTML strings, no style or class names, no
 * chart-library options, no event handlers: an interaction names an `action` the platform sends back
 * to the plugin, after checking the operator's role). A link may only point at the plugin's own
 * endpoints, so a plugin cannot send the operator anywhere else; `parseUiTree` takes the plugin's slug
 * for that rule. Limits keep a tree small enough to validate and draw at once.
 */
import { z } from "zod";

/** How deep nodes may nest, how many there may be, how long a text may be: a widget, not a page. */
export const UI_LIMITS = { depth: 12, nodes: 2_000, text: 2_000, rows: 500, points: 1_000 } as const;

const text = z.string().max(UI_LIMITS.text);
const label = z.string().min(1).max(200);
/** A key of a row or a data point, or a form field's name. */
const fieldKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "must be a plain key such as net or order_count");
/** An interaction's name, sent back to the plugin's widget module: `refresh`, `export-csv`. */
const actionName = z.string().regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/, "must be kebab-case, such as refresh");
const cell = z.union([z.string().max(UI_LIMITS.text), z.number().finite(), z.boolean(), z.null()]);
const row = z.record(fieldKey, cell);
/** The dashboard's own palette: a series names one of its five chart colours, never a CSS value. */
const chartColor = z.enum(["chart-1", "chart-2", "chart-3", "chart-4", "chart-5"]);
const tone = z.enum(["default", "muted", "success", "warning", "destructive"]);
/** Numbers are shown as they are, as money in minor units of `currency`, or as a percentage of 1. */
const numberFormat = z.union([
  z.object({ style: z.literal("number") }).strict(),
  z.object({ style: z.literal("money"), currency: z.string().regex(/^[A-Z]{3}$/) }).strict(),
  z.object({ style: z.literal("percent") }).strict(),
]);

/** Each component's props, strict: a prop not listed here fails validation. */
export const uiComponentProps = {
  Stack: z
    .object({ direction: z.enum(["row", "column"]).default("column"), gap: z.number().int().min(0).max(8).default(2) })
    .strict(),
  Grid: z.object({ columns: z.number().int().min(1).max(6).default(2) }).strict(),
  Card: z.object({ title: label.optional(), description: text.optional() }).strict(),
  Heading: z.object({ level: z.union([z.literal(2), z.literal(3), z.literal(4)]).default(3) }).strict(),
  Text: z.object({ tone: tone.default("default"), size: z.enum(["sm", "md", "lg"]).default("md") }).strict(),
  Badge: z.object({ tone: tone.default("default") }).strict(),
  Alert: z.object({ tone: z.enum(["default", "warning", "destructive"]).default("default"), title: label }).strict(),
  /** A figure with its change against a previous period: `trend` is a fraction (0.25 is +25 %). */
  Stat: z
    .object({
      label,
      value: z.union([z.number().finite(), text]),
      format: numberFormat.optional(),
      trend: z.number().finite().nullable().optional(),
      hint: text.optional(),
    })
    .strict(),
  Table: z
    .object({
      columns: z
        .array(
          z
            .object({
              key: fieldKey,
              label,
              align: z.enum(["left", "right"]).default("left"),
              format: numberFormat.optional(),
            })
            .strict(),
        )
        .min(1)
        .max(12),
      rows: z.array(row).max(UI_LIMITS.rows),
      empty: text.optional(),
    })
    .strict(),
  LineChart: chartProps(),
  BarChart: chartProps()
    .extend({ stacked: z.boolean().default(false) })
    .strict(),
  /** Starts `action` of this widget; the dashboard asks first when `confirm` is given. */
  Button: z
    .object({
      label,
      action: actionName,
      variant: z.enum(["default", "outline", "destructive"]).default("default"),
      confirm: text.optional(),
    })
    .strict(),
  /** Sends its inputs' values to `action` of this widget (or settings component). */
  Form: z.object({ action: actionName, submit: label }).strict(),
  Input: z
    .object({
      name: fieldKey,
      label,
      type: z.enum(["text", "number", "email"]).default("text"),
      required: z.boolean().default(false),
      min: z.number().finite().optional(),
      max: z.number().finite().optional(),
      placeholder: text.optional(),
      value: z.union([text, z.number().finite()]).optional(),
      description: text.optional(),
    })
    .strict(),
  Select: z
    .object({
      name: fieldKey,
      label,
      options: z
        .array(z.object({ value: z.string().max(200), label }).strict())
        .min(1)
        .max(100),
      value: z.string().max(200).optional(),
      description: text.optional(),
    })
    .strict(),
  Switch: z
    .object({ name: fieldKey, label, checked: z.boolean().default(false), description: text.optional() })
    .strict(),
  /** A link to one of the plugin's own endpoints (`/api/plugins/<slug>/...`), opened with the operator's session. */
  Link: z.object({ href: z.string().max(2_000) }).strict(),
} as const;

function chartProps() {
  return z
    .object({
      data: z.array(row).max(UI_LIMITS.points),
      /** The key of each point's x value (a date, a label). */
      x: fieldKey,
      series: z
        .array(z.object({ key: fieldKey, label, color: chartColor.optional() }).strict())
        .min(1)
        .max(8),
      format: numberFormat.optional(),
      height: z.number().int().min(120).max(480).default(240),
    })
    .strict();
}

export type UiComponentName = keyof typeof uiComponentProps;
export const uiComponentNames = Object.keys(uiComponentProps) as UiComponentName[];

/** Which components take children, and of what: text only, or any node. The rest take none. */
const CHILDREN: Record<UiComponentName, "nodes" | "text" | "none"> = {
  Stack: "nodes",
  Grid: "nodes",
  Card: "nodes",
  Heading: "text",
  Text: "text",
  Badge: "text",
  Alert: "text",
  Stat: "none",
  Table: "none",
  LineChart: "none",
  BarChart: "none",
  Button: "none",
  Form: "nodes",
  Input: "none",
  Select: "none",
  Switch: "none",
  Link: "text",
};

/** A validated node: a text, or a component with its parsed props and children. */
export type UiNode =
  | string
  | number
  | { type: UiComponentName; props: Record<string, unknown>; children: UiNode[]; key?: string };

export interface UiIssue {
  /** Where in the tree, as `children.0.props.rows.3`. */
  path: string;
  message: string;
}

export class UiTreeError extends Error {
  readonly issues: UiIssue[];
  constructor(issues: UiIssue[]) {
    super(`the UI tree is not valid: ${issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")}`);
    this.name = "UiTreeError";
    this.issues = issues;
  }
}

/** Whether `href` is one of `slug`'s own endpoints: a relative path under /api/plugins/<slug>/, nothing else. */
export function ownEndpointHref(href: string, slug: string): boolean {
  const base = `/api/plugins/${slug}/`;
  if (!href.startsWith(base) && href !== base.slice(0, -1)) return false;
  // a path that normalises elsewhere (../, encoded dots or slashes, backslashes) is not the plugin's
  if (/(^|\/)\.\.?(\/|$)|%2e|%2f|%5c|\\/i.test(href)) return false;
  try {
    const url = new URL(href, "https://dashboard.invalid");
    return url.origin === "https://dashboard.invalid" && url.pathname + url.search + url.hash === href;
  } catch {
    return false;
  }
}

/**
 * Validates what a plugin's UI module returned and answers the tree the dashboard may draw: every node
 * an allowed component with exactly its props (defaults filled in), texts within limits, links only to
 * the plugin's own endpoints. Throws `UiTreeError` naming every problem's path.
 *
 * @example
 * parseUiTree({ type: "Stat", props: { label: "Orders", value: 12 }, children: [] }, { slug: "analytics" });
 */
export function parseUiTree(input: unknown, options: { slug: string }): UiNode {
  const issues: UiIssue[] = [];
  let count = 0;
  const at = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));
  const walk = (node: unknown, path: string, depth: number, allowed: "nodes" | "text"): UiNode | null => {
    count += 1;
    if (count > UI_LIMITS.nodes) {
      if (count === UI_LIMITS.nodes + 1) issues.push({ path, message: `more than ${UI_LIMITS.nodes} nodes` });
      return null;
    }
    if (typeof node === "string") {
      if (node.length > UI_LIMITS.text)
        issues.push({ path, message: `a text longer than ${UI_LIMITS.text} characters` });
      return node;
    }
    if (typeof node === "number" && Number.isFinite(node)) return node;
    if (allowed === "text") {
      issues.push({ path, message: "only text may be here" });
      return null;
    }
    if (depth > UI_LIMITS.depth) {
      issues.push({ path, message: `nested deeper than ${UI_LIMITS.depth}` });
      return null;
    }
    if (typeof node !== "object" || node === null || Array.isArray(node)) {
      issues.push({ path, message: "must be a text, a number or a component node { type, props, children }" });
      return null;
    }
    const { type, props = {}, children = [], key, ...rest } = node as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length > 0) issues.push({ path, message: `unknown field ${extra.join(", ")}` });
    if (typeof type !== "string" || !Object.hasOwn(uiComponentProps, type)) {
      issues.push({
        path: at(path, "type"),
        message: `${JSON.stringify(type)} is not a component; the components are ${uiComponentNames.join(", ")}`,
      });
      return null;
    }
    const name = type as UiComponentName;
    const parsed = uiComponentProps[name].safeParse(props);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        issues.push({ path: [at(path, "props"), ...issue.path.map(String)].join("."), message: issue.message });
    }
    const parsedProps = (parsed.success ? parsed.data : {}) as Record<string, unknown>;
    if (name === "Link" && typeof parsedProps.href === "string" && !ownEndpointHref(parsedProps.href, options.slug)) {
      issues.push({
        path: at(at(path, "props"), "href"),
        message: `a link may only point at this plugin's own endpoints (/api/plugins/${options.slug}/...)`,
      });
    }
    if (key !== undefined && (typeof key !== "string" || key.length > 100))
      issues.push({ path: at(path, "key"), message: "must be a text of at most 100 characters" });
    if (!Array.isArray(children)) {
      issues.push({ path: at(path, "children"), message: "must be a list" });
      return null;
    }
    const takes = CHILDREN[name];
    if (takes === "none" && children.length > 0)
      issues.push({ path: at(path, "children"), message: `${name} takes no children` });
    const kids =
      takes === "none"
        ? []
        : children
            .map((child, i) => walk(child, at(at(path, "children"), i), depth + 1, takes))
            .filter((c): c is UiNode => c !== null);
    return { type: name, props: parsedProps, children: kids, ...(typeof key === "string" ? { key } : {}) };
  };
  const tree = walk(input, "", 0, "nodes");
  if (issues.length > 0 || tree === null) throw new UiTreeError(issues);
  return tree;
}
