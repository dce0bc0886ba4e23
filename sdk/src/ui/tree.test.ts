/** The plugin UI tree: what parses, what is refused and where the refusal points. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { foreignHrefs, invalidUiTree, validUiTree } from "./arbitraries.ts";
import { ownEndpointHref, parseUiTree, UI_LIMITS, UiTreeError, uiComponentNames } from "./tree.ts";

const slug = "analytics-dashboard";
const parse = (tree: unknown) => parseUiTree(tree, { slug });
function issuesOf(tree: unknown) {
  try {
    parse(tree);
  } catch (error) {
    if (error instanceof UiTreeError) return error.issues;
    throw error;
  }
  throw new Error(`expected the tree to be refused: ${JSON.stringify(tree).slice(0, 300)}`);
}

describe("parseUiTree, as properties", () => {
  it("accepts every valid tree, and parsing its result gives it back unchanged", () => {
    fc.assert(
      fc.property(validUiTree(slug), (tree) => {
        const parsed = parse(tree);
        expect(parse(parsed)).toEqual(parsed);
        // what the dashboard receives is plain JSON
        expect(JSON.parse(JSON.stringify(parsed))).toEqual(parsed);
      }),
      { numRuns: 300 },
    );
  });

  it("generates every component among valid trees", () => {
    const seen = new Set<string>();
    const visit = (node: unknown) => {
      if (typeof node !== "object" || node === null) return;
      const { type, children = [] } = node as { type: string; children?: unknown[] };
      seen.add(type);
      for (const child of children) visit(child);
    };
    for (const tree of fc.sample(validUiTree(slug), { numRuns: 300, seed: 11 })) visit(tree);
    expect([...seen].sort()).toEqual([...uiComponentNames].sort());
  });

  it("refuses every tree with one violation, naming the violation's path", () => {
    fc.assert(
      fc.property(invalidUiTree(slug), ({ tree, path, rule }) => {
        const issues = issuesOf(tree);
        expect(
          issues.map((i) => i.path),
          rule,
        ).toContain(path);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a valid tree for one plugin when it links to itself from another plugin's widget", () => {
    fc.assert(
      fc.property(validUiTree(slug), (tree) => {
        const hasLink = JSON.stringify(tree).includes('"Link"');
        if (hasLink) expect(() => parseUiTree(tree, { slug: "stripe-gateway" })).toThrow(UiTreeError);
        else expect(() => parseUiTree(tree, { slug: "stripe-gateway" })).not.toThrow();
      }),
      { numRuns: 200 },
    );
  });
});

describe("parseUiTree, by example", () => {
  it("fills in each component's defaults", () => {
    expect(parse({ type: "Stack", children: [{ type: "Heading", children: ["Revenue"] }] })).toEqual({
      type: "Stack",
      props: { direction: "column", gap: 2 },
      children: [{ type: "Heading", props: { level: 3 }, children: ["Revenue"] }],
    });
  });

  it("accepts a bare text or number as the whole tree", () => {
    expect(parse("No data yet")).toBe("No data yet");
    expect(parse(42)).toBe(42);
  });

  it("keeps a node's key", () => {
    expect(parse({ type: "Badge", key: "eur", children: ["EUR"] })).toMatchObject({ key: "eur" });
  });

  it("accepts a KPI card as a plugin would write it", () => {
    const tree = {
      type: "Grid",
      props: { columns: 3 },
      children: [
        {
          type: "Stat",
          props: { label: "Revenue", value: 125_000, format: { style: "money", currency: "EUR" }, trend: 0.25 },
        },
        { type: "Stat", props: { label: "Orders", value: 12, trend: null } },
        { type: "Link", props: { href: `/api/plugins/${slug}/export?period=30d` }, children: ["Export"] },
      ],
    };
    expect(parse(tree)).toMatchObject({ type: "Grid", props: { columns: 3 } });
  });

  it.each([
    ["an unknown component", { type: "script", children: ["alert(1)"] }, "type", "is not a component"],
    ["a component name inherited from Object", { type: "constructor" }, "type", "is not a component"],
    ["an unknown prop", { type: "Text", props: { className: "text-red-500" } }, "props", ""],
    ["an event handler prop", { type: "Button", props: { label: "Go", action: "go", onClick: "x()" } }, "props", ""],
    [
      "a prop of the wrong type",
      { type: "Switch", props: { name: "on", label: "On", checked: "yes" } },
      "props.checked",
      "",
    ],
    [
      "HTML where a number goes",
      { type: "Grid", props: { columns: "<img src=x onerror=alert(1)>" } },
      "props.columns",
      "",
    ],
    [
      "children where none go",
      { type: "Stat", props: { label: "A", value: 1 }, children: ["x"] },
      "children",
      "takes no children",
    ],
    ["a component where only text goes", { type: "Heading", children: [{ type: "Stack" }] }, "children.0", "only text"],
    ["a non-list of children", { type: "Stack", children: "text" }, "children", "must be a list"],
    ["an unknown field on a node", { type: "Text", html: "<b>x</b>" }, "", "unknown field html"],
    ["a key that is not a text", { type: "Text", key: 7 }, "key", "at most 100"],
    ["a non-finite number", { type: "Text", children: [Number.NaN] }, "children.0", "only text"],
    ["a text too long", { type: "Text", children: ["x".repeat(UI_LIMITS.text + 1)] }, "children.0", "longer than"],
    [
      "a chart colour that is CSS",
      { type: "BarChart", props: { x: "day", data: [], series: [{ key: "n", label: "N", color: "#f00" }] } },
      "props.series.0.color",
      "",
    ],
    [
      "an action that is not kebab-case",
      { type: "Form", props: { action: "Save Now", submit: "Save" } },
      "props.action",
      "kebab-case",
    ],
  ])("refuses %s", (_, tree, path, message) => {
    const issue = issuesOf(tree).find((i) => i.path === path);
    expect(issue, JSON.stringify(issuesOf(tree))).toBeDefined();
    expect(issue?.message).toContain(message);
  });

  it("names every problem of a tree, not only the first", () => {
    const issues = issuesOf({
      type: "Stack",
      children: [
        { type: "div" },
        { type: "Stat", props: { label: "", value: 1 } },
        { type: "Link", props: { href: "//evil.example" } },
      ],
    });
    expect(issues.map((i) => i.path)).toEqual(["children.0.type", "children.1.props.label", "children.2.props.href"]);
  });

  it.each(foreignHrefs(slug))("refuses a link to %j", (href) => {
    expect(ownEndpointHref(href, slug)).toBe(false);
    expect(issuesOf({ type: "Link", props: { href }, children: ["open"] }).map((i) => i.path)).toContain("props.href");
  });

  it.each([`/api/plugins/${slug}`, `/api/plugins/${slug}/`, `/api/plugins/${slug}/export?period=30d#top`])(
    "accepts a link to its own endpoint %s",
    (href) => {
      expect(ownEndpointHref(href, slug)).toBe(true);
    },
  );

  it("accepts containers exactly as deep as the limit, refuses one level more", () => {
    const chain = (depth: number) => {
      let tree: unknown = { type: "Badge", children: ["deep"] };
      for (let d = 0; d < depth; d += 1) tree = { type: "Stack", children: [tree] };
      return tree;
    };
    expect(() => parse(chain(UI_LIMITS.depth))).not.toThrow();
    expect(issuesOf(chain(UI_LIMITS.depth + 1))[0]?.message).toBe(`nested deeper than ${UI_LIMITS.depth}`);
  });

  it("accepts exactly as many nodes as the limit, refuses one more, with one issue", () => {
    const wide = (count: number) => ({
      type: "Stack",
      children: Array.from({ length: count - 1 }, (_, i) => `row ${i}`),
    });
    expect(() => parse(wide(UI_LIMITS.nodes))).not.toThrow();
    expect(issuesOf(wide(UI_LIMITS.nodes + 1))).toEqual([
      { path: `children.${UI_LIMITS.nodes - 1}`, message: `more than ${UI_LIMITS.nodes} nodes` },
    ]);
  });

  it("refuses a table with more rows than the limit", () => {
    const rows = Array.from({ length: UI_LIMITS.rows + 1 }, (_, i) => ({ n: i }));
    expect(issuesOf({ type: "Table", props: { columns: [{ key: "n", label: "N" }], rows } })[0]?.path).toBe(
      "props.rows",
    );
  });

  it("says in its message where each problem is", () => {
    expect(() => parse({ type: "Stack", children: [{ type: "iframe" }] })).toThrow(
      /children\.0\.type: "iframe" is not a component/,
    );
  });
});
