/**
 * fast-check arbitraries for the plugin UI tree (./tree.ts): valid trees of every component, for the
 * property "every valid tree parses" here and "every valid tree renders" in the dashboard; and trees
 * with exactly one violation each, with the path where `parseUiTree` must report it.
 */
import fc from "fast-check";
import { UI_LIMITS, type UiComponentName } from "./tree.ts";

const CONTAINERS = ["Stack", "Grid", "Card", "Form"] as const;
const TEXT_HOLDERS = ["Heading", "Text", "Badge", "Alert", "Link"] as const;
const LEAVES = [
  "Stat",
  "Table",
  "LineChart",
  "BarChart",
  "Button",
  "Input",
  "Select",
  "Switch",
] as const satisfies readonly UiComponentName[];

/** A short, printable text: what a widget shows, sometimes with characters a renderer must escape. */
const shortText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "Revenue & refunds", "€ 1 234,50"),
);
const label = fc.string({ minLength: 1, maxLength: 60 });
const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/);
const action = fc.stringMatching(/^[a-z][a-z0-9]{0,8}(?:-[a-z0-9]{1,6}){0,2}$/);
const finite = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  // JSON has no -0 (it arrives as 0), and a tree only ever reaches the dashboard as JSON
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
);
const tone = fc.constantFrom("default", "muted", "success", "warning", "destructive");
const color = fc.constantFrom("chart-1", "chart-2", "chart-3", "chart-4", "chart-5");
const numberFormat = fc.oneof(
  fc.constant({ style: "number" }),
  fc.record({ style: fc.constant("money"), currency: fc.stringMatching(/^[A-Z]{3}$/) }),
  fc.constant({ style: "percent" }),
);
const cell = fc.oneof(shortText, finite, fc.boolean(), fc.constant(null));

/** Props with only the required keys always present: an optional prop is left out, never `undefined`. */
function props<T extends Record<string, fc.Arbitrary<unknown>>>(model: T, required: (keyof T)[] = []) {
  return fc.record(model, { requiredKeys: required as Extract<keyof T, string>[] });
}

const chartModel = {
  x: key,
  series: fc.array(fc.record({ key, label, color }, { requiredKeys: ["key", "label"] }), {
    minLength: 1,
    maxLength: 4,
  }),
  data: fc.array(fc.dictionary(key, cell, { maxKeys: 4 }), { maxLength: 12 }),
  format: numberFormat,
  height: fc.integer({ min: 120, max: 480 }),
};

/** An arbitrary of valid props for each component, within its schema in ./tree.ts. */
export function validUiProps(slug: string): Record<UiComponentName, fc.Arbitrary<Record<string, unknown>>> {
  return {
    Stack: props({ direction: fc.constantFrom("row", "column"), gap: fc.integer({ min: 0, max: 8 }) }),
    Grid: props({ columns: fc.integer({ min: 1, max: 6 }) }),
    Card: props({ title: label, description: shortText }),
    Heading: props({ level: fc.constantFrom(2, 3, 4) }),
    Text: props({ tone, size: fc.constantFrom("sm", "md", "lg") }),
    Badge: props({ tone }),
    Alert: props({ tone: fc.constantFrom("default", "warning", "destructive"), title: label }, ["title"]),
    Stat: props(
      {
        label,
        value: fc.oneof(finite, shortText),
        format: numberFormat,
        trend: fc.oneof(finite, fc.constant(null)),
        hint: shortText,
      },
      ["label", "value"],
    ),
    Table: props(
      {
        columns: fc.array(
          fc.record(
            { key, label, align: fc.constantFrom("left", "right"), format: numberFormat },
            { requiredKeys: ["key", "label"] },
          ),
          { minLength: 1, maxLength: 5 },
        ),
        rows: fc.array(fc.dictionary(key, cell, { maxKeys: 5 }), { maxLength: 10 }),
        empty: shortText,
      },
      ["columns", "rows"],
    ),
    LineChart: props(chartModel, ["x", "series", "data"]),
    BarChart: props({ ...chartModel, stacked: fc.boolean() }, ["x", "series", "data"]),
    Button: props(
      { label, action, variant: fc.constantFrom("default", "outline", "destructive"), confirm: shortText },
      ["label", "action"],
    ),
    Form: props({ action, submit: label }, ["action", "submit"]),
    Input: props(
      {
        name: key,
        label,
        type: fc.constantFrom("text", "number", "email"),
        required: fc.boolean(),
        min: finite,
        max: finite,
        placeholder: shortText,
        value: fc.oneof(shortText, finite),
        description: shortText,
      },
      ["name", "label"],
    ),
    Select: props(
      {
        name: key,
        label,
        options: fc.array(fc.record({ value: fc.string({ maxLength: 20 }), label }), { minLength: 1, maxLength: 5 }),
        value: fc.string({ maxLength: 20 }),
        description: shortText,
      },
      ["name", "label", "options"],
    ),
    Switch: props({ name: key, label, checked: fc.boolean(), description: shortText }, ["name", "label"]),
    Link: fc.record({ href: ownHref(slug) }),
  };
}

/** A path under the plugin's own endpoints, with an occasional query or fragment. */
export function ownHref(slug: string): fc.Arbitrary<string> {
  const segment = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,11}$/);
  return fc
    .tuple(
      fc.array(segment, { maxLength: 3 }),
      fc.option(fc.stringMatching(/^[a-z]{1,8}=[a-z0-9]{0,8}$/), { nil: undefined }),
    )
    .map(([segments, query]) => `/api/plugins/${slug}/${segments.join("/")}${query ? `?${query}` : ""}`);
}

const textChild = fc.oneof(shortText, fc.integer({ min: -10_000, max: 10_000 }));

/** A node as a plugin would return it: `children` and `key` sometimes left out. */
function node(type: UiComponentName, p: Record<string, unknown>, children: unknown[], k?: string) {
  return {
    type,
    ...(Object.keys(p).length > 0 || children.length === 0 ? { props: p } : {}),
    ...(children.length > 0 ? { children } : {}),
    ...(k === undefined ? {} : { key: k }),
  };
}

/**
 * A valid UI tree for plugin `slug`: every component, its props within their schema, children as each
 * component allows, within UI_LIMITS. Mostly bushy trees a few levels deep; sometimes a chain of
 * containers exactly as deep as allowed, or a bare text.
 *
 * @example
 * fc.assert(fc.property(validUiTree("analytics"), (tree) => { parseUiTree(tree, { slug: "analytics" }); }));
 */
export function validUiTree(slug: string, options: { maxDepth?: number } = {}): fc.Arbitrary<unknown> {
  const maxDepth = Math.min(options.maxDepth ?? 4, UI_LIMITS.depth);
  const propsOf = validUiProps(slug);
  const nodeKey = fc.option(fc.string({ maxLength: 20 }), { nil: undefined, freq: 3 });
  const leaf = fc.oneof(
    ...LEAVES.map((type) => fc.tuple(propsOf[type], nodeKey).map(([p, k]) => node(type, p, [], k))),
    ...TEXT_HOLDERS.map((type) =>
      fc.tuple(propsOf[type], fc.array(textChild, { maxLength: 3 }), nodeKey).map(([p, c, k]) => node(type, p, c, k)),
    ),
  );
  // at most 4 children a level and 4 levels: far fewer nodes than UI_LIMITS.nodes
  const at = (depth: number): fc.Arbitrary<unknown> =>
    depth >= maxDepth
      ? leaf
      : fc.oneof(
          { arbitrary: leaf, weight: 2 },
          { arbitrary: textChild, weight: 1 },
          {
            arbitrary: fc
              .tuple(fc.constantFrom(...CONTAINERS), nodeKey)
              .chain(([type, k]) =>
                fc.tuple(propsOf[type], fc.array(at(depth + 1), { maxLength: 4 })).map(([p, c]) => node(type, p, c, k)),
              ),
            weight: 3,
          },
        );
  const bushy = fc
    .tuple(fc.constantFrom(...CONTAINERS), nodeKey)
    .chain(([type, k]) =>
      fc.tuple(propsOf[type], fc.array(at(1), { minLength: 1, maxLength: 4 })).map(([p, c]) => node(type, p, c, k)),
    );
  return fc.oneof(
    { arbitrary: bushy, weight: 8 },
    { arbitrary: leaf, weight: 2 },
    { arbitrary: deepChain(UI_LIMITS.depth, leaf), weight: 1 },
    { arbitrary: textChild, weight: 1 },
  );
}

/** Containers nested so that the innermost node sits at `depth` (the root is at 0). */
function deepChain(depth: number, innermost: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return innermost.map((inner) => {
    let tree = inner;
    for (let d = 0; d < depth; d += 1) tree = { type: "Stack", props: {}, children: [tree] };
    return tree;
  });
}

/** A tree with one violation, the rule it breaks and the path `parseUiTree` must name. */
export interface InvalidUiTree {
  tree: unknown;
  rule: string;
  path: string;
}

/** Hrefs that leave the plugin's own endpoints, one way each. */
export function foreignHrefs(slug: string): string[] {
  return [
    "/api/plugins/other-plugin/revenue",
    `/api/plugins/${slug}-evil/revenue`,
    `/api/plugins/${slug}/../other-plugin/revenue`,
    `/api/plugins/${slug}/./revenue`,
    `/api/plugins/${slug}/%2e%2e/other-plugin/revenue`,
    `/api/plugins/${slug}/%2E%2E/other-plugin/revenue`,
    `/api/plugins/${slug}/..%2fother-plugin%2frevenue`,
    `/api/plugins/${slug}/..%5cother-plugin`,
    `/api/plugins/${slug}/..\\other-plugin`,
    `/api/plugins/${slug}/\t../other-plugin`,
    `https://evil.example/api/plugins/${slug}/revenue`,
    `//evil.example/api/plugins/${slug}/revenue`,
    "javascript:alert(document.cookie)",
    `javascript:/api/plugins/${slug}/`,
    "data:text/html,<script>alert(1)</script>",
    "/api/admin/plugins",
    `api/plugins/${slug}/revenue`,
    "",
  ];
}

const HTMLISH = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "1<b>", "12px", "NaN"];

/**
 * A tree with exactly one violation of the schema in ./tree.ts, with the path of the node or prop
 * `parseUiTree` must name: an unknown component, an unknown prop, a prop of the wrong type, an HTML-ish
 * string where a number goes, children where none go, a component where only text goes, a link outside
 * the plugin's endpoints, a text too long, too deep, too many nodes.
 *
 * @example
 * fc.assert(fc.property(invalidUiTree("analytics"), ({ tree, path }) => {
 *   expect(() => parseUiTree(tree, { slug: "analytics" })).toThrow(UiTreeError);
 * }));
 */
export function invalidUiTree(slug: string): fc.Arbitrary<InvalidUiTree> {
  const propsOf = validUiProps(slug);
  const withProps = (type: UiComponentName, f: (p: Record<string, unknown>) => Record<string, unknown>) =>
    propsOf[type].map((p) => f({ ...p }));
  const local: fc.Arbitrary<InvalidUiTree>[] = [
    fc
      .constantFrom("script", "iframe", "div", "Html", "constructor", "__proto__", "toString", "stack", "", 42, null)
      .map((type) => ({ tree: { type, props: {} }, rule: "unknown component", path: "type" })),
    fc
      .tuple(
        fc.constantFrom(...CONTAINERS, ...TEXT_HOLDERS, ...LEAVES),
        fc.constantFrom("style", "className", "onClick", "dangerouslySetInnerHTML", "html", "src", "__proto__x"),
      )
      .chain(([type, extra]) =>
        withProps(type, (p) => ({ ...p, [extra]: "x" })).map((p) => ({
          tree: { type, props: p },
          rule: "unknown prop",
          path: "props",
        })),
      ),
    fc
      .constantFrom<[UiComponentName, string, unknown, string]>(
        ["Stat", "label", 42, "label"],
        ["Stat", "trend", "up", "trend"],
        ["Table", "rows", "all", "rows"],
        ["Table", "columns", [], "columns"],
        ["Table", "rows", [{ "net amount": 1 }], "rows.0.net amount"],
        ["Button", "action", "Do It", "action"],
        ["Button", "action", "javascript:alert(1)", "action"],
        ["Switch", "checked", "yes", "checked"],
        ["Card", "title", { html: "<b>x</b>" }, "title"],
        ["LineChart", "series", [{ key: "net", label: "Net", color: "red" }], "series.0.color"],
        ["Stat", "format", { style: "money", currency: "euro" }, "format.currency"],
        ["Badge", "tone", "#ff0000", "tone"],
        ["Input", "name", "a b", "name"],
        ["Select", "options", [], "options"],
      )
      .chain(([type, prop, bad, at]) =>
        withProps(type, (p) => ({ ...p, [prop]: bad })).map((p) => ({
          tree: { type, props: p },
          rule: "prop of the wrong type",
          path: `props.${at}`,
        })),
      ),
    fc
      .tuple(
        fc.constantFrom<[UiComponentName, string]>(
          ["Grid", "columns"],
          ["Stack", "gap"],
          ["LineChart", "height"],
          ["BarChart", "height"],
          ["Input", "min"],
          ["Heading", "level"],
        ),
        fc.constantFrom(...HTMLISH),
      )
      .chain(([[type, prop], bad]) =>
        withProps(type, (p) => ({ ...p, [prop]: bad })).map((p) => ({
          tree: { type, props: p },
          rule: "HTML-ish string where a number goes",
          path: `props.${prop}`,
        })),
      ),
    fc.constantFrom(...LEAVES).chain((type) =>
      propsOf[type].map((p) => ({
        tree: { type, props: p, children: ["a child"] },
        rule: "children where none go",
        path: "children",
      })),
    ),
    fc.tuple(fc.constantFrom(...TEXT_HOLDERS), fc.constantFrom(...CONTAINERS, ...LEAVES)).chain(([holder, inner]) =>
      fc.tuple(propsOf[holder], propsOf[inner]).map(([p, q]) => ({
        tree: { type: holder, props: p, children: [{ type: inner, props: q }] },
        rule: "a component where only text goes",
        path: "children.0",
      })),
    ),
    fc.constantFrom(...foreignHrefs(slug)).map((href) => ({
      tree: { type: "Link", props: { href }, children: ["open"] },
      rule: "a link outside the plugin's endpoints",
      path: "props.href",
    })),
    fc.constantFrom({ a: 1 }, [], true, Number.NaN, Number.POSITIVE_INFINITY).map((bad) => ({
      tree: { type: "Stack", props: {}, children: [bad] },
      rule: "not a node",
      path: "children.0",
    })),
    fc.constant({
      tree: { type: "Text", props: {}, children: ["x".repeat(UI_LIMITS.text + 1)] },
      rule: "a text too long",
      path: "children.0",
    }),
    fc.constantFrom("onClick", "dangerouslySetInnerHTML", "html").map((extra) => ({
      tree: { type: "Text", props: {}, children: ["hi"], [extra]: "<b>x</b>" },
      rule: "an unknown field on a node",
      path: "",
    })),
  ];
  // a local violation, at the root or as a child of valid containers among valid siblings
  const placed = fc
    .tuple(
      fc.oneof(...local),
      fc.array(fc.tuple(fc.constantFrom(...CONTAINERS), fc.nat(2)), { maxLength: 3 }),
      validUiTree(slug, { maxDepth: 2 }),
    )
    .chain(([violation, wrappers, sibling]) =>
      fc.tuple(...wrappers.map(([type]) => propsOf[type])).map((wrapperProps) =>
        wrappers.reduceRight<InvalidUiTree>((inner, [type, index], i) => {
          const children = [...Array.from({ length: index }, () => sibling), inner.tree];
          return {
            tree: { type, props: wrapperProps[i], children },
            rule: inner.rule,
            path: [`children.${index}`, inner.path].filter(Boolean).join("."),
          };
        }, violation),
      ),
    );
  const tooDeep = fc.integer({ min: UI_LIMITS.depth + 1, max: UI_LIMITS.depth + 4 }).map((depth) => {
    let tree: unknown = { type: "Stat", props: { label: "Deep", value: 1 } };
    for (let d = 0; d < depth; d += 1) tree = { type: "Card", children: [tree] };
    // the first node past the limit is the one named
    return {
      tree,
      rule: "too deep",
      path: Array.from({ length: UI_LIMITS.depth + 1 }, () => "children.0").join("."),
    };
  });
  const tooMany = fc
    .tuple(fc.integer({ min: UI_LIMITS.nodes, max: UI_LIMITS.nodes + 50 }), fc.constantFrom("text", "node"))
    .map(([count, kind]) => ({
      tree: {
        type: "Stack",
        children: Array.from({ length: count }, (_, i) =>
          kind === "text" ? `row ${i}` : { type: "Badge", children: [] },
        ),
      },
      rule: "too many nodes",
      // the root is node 1, so child 1999 is node 2,001
      path: `children.${UI_LIMITS.nodes - 1}`,
    }));
  return fc.oneof(
    { arbitrary: placed, weight: 10 },
    { arbitrary: tooDeep, weight: 1 },
    { arbitrary: tooMany, weight: 1 },
  );
}
