/**
 * The dashboard's renderer of plugin UI trees (api/dashboard/src/widgets/ui-tree-view.tsx), drawn with
 * react-dom/server in Node: every tree the schema accepts renders with the real shadcn components, and
 * nothing a plugin puts in a tree becomes a script, an event handler, a style of its own or a link
 * outside its endpoints. The HTML is read back with a real HTML parser (htmlparser2), not with patterns.
 */
import fc from "fast-check";
import { DomUtils, parseDocument } from "htmlparser2";
import { type ComponentType, createElement } from "react";
import { renderToString } from "react-dom/server";
import { beforeAll, describe, expect, it } from "vitest";
import { validUiTree } from "../../sdk/src/ui/arbitraries.ts";
import { ownEndpointHref, parseUiTree, type UiNode } from "../../sdk/src/ui/tree.ts";

/**
 * What the test needs of the renderer. It is imported by URL: its `@/` imports are the dashboard's
 * alias (api/dashboard/tsconfig.json), which the root type-check, which covers test/, does not know.
 */
interface RendererModule {
  UiTreeView: ComponentType<{
    tree: UiNode;
    slug: string;
    widgetId: string;
    onAction?: (action: string, values?: Record<string, unknown>) => Promise<void>;
  }>;
}

const slug = "analytics-dashboard";
let renderer: RendererModule;

beforeAll(async () => {
  renderer = (await import(
    new URL("../../api/dashboard/src/widgets/ui-tree-view.tsx", import.meta.url).href
  )) as RendererModule;
});

function render(tree: UiNode, as: "owner" | "viewer"): string {
  const onAction = as === "owner" ? async () => {} : undefined;
  return renderToString(createElement(renderer.UiTreeView, { tree, slug, widgetId: "sales-kpis", onAction }));
}

/** Every element of the rendered HTML, parsed as a browser would. */
function elements(html: string) {
  return DomUtils.findAll(
    () => true,
    parseDocument(html, { decodeEntities: true, lowerCaseAttributeNames: true }).children,
  );
}

function countOf(node: UiNode, type: string): number {
  if (typeof node !== "object") return 0;
  return (node.type === type ? 1 : 0) + node.children.reduce<number>((n, c) => n + countOf(c, type), 0);
}

/** Every way the rendered HTML could run or load something the plugin chose; empty when it is safe. */
function hazards(html: string): string[] {
  const found: string[] = [];
  for (const element of elements(html)) {
    const name = element.name.toLowerCase();
    if (name === "script" || name === "iframe" || name === "object" || name === "embed")
      found.push(`a <${name}> element`);
    for (const [attribute, value] of Object.entries(element.attribs)) {
      if (/^on/i.test(attribute)) found.push(`<${name} ${attribute}="${value}">`);
      if (/^(href|src|action|formaction|xlink:href|srcdoc)$/.test(attribute) && !ownEndpointHref(value, slug))
        found.push(`<${name} ${attribute}="${value}"> outside the plugin's endpoints`);
    }
    // the only stylesheet is the chart's own palette: keys the schema limits to plain names, our colours
    if (name === "style") {
      const css = DomUtils.textContent(element);
      const rules = css.replace(/\[data-chart=chart-[A-Za-z0-9_-]+\] \{|\}/g, "").trim();
      for (const line of rules.split("\n").filter((l) => l.trim())) {
        if (!/^\s*--color-[A-Za-z_][A-Za-z0-9_]*: var\(--chart-[1-5]\);$/.test(line))
          found.push(`a style rule of its own: ${line}`);
      }
    }
  }
  return found;
}

describe("the dashboard's UI tree renderer", () => {
  it("renders every valid tree, for an owner and a viewer, with no script, handler, style or foreign link", () => {
    fc.assert(
      fc.property(validUiTree(slug), (input) => {
        const tree = parseUiTree(input, { slug });
        for (const as of ["owner", "viewer"] as const) {
          const html = render(tree, as);
          expect(html).not.toMatch(/<script/i);
          expect(hazards(html)).toEqual([]);
        }
        // drawn, not skipped: one element per Stat, Table, chart, Form and (for an owner) Button of the tree
        const drawn = elements(render(tree, "owner"));
        const count = (attribute: string) => drawn.filter((e) => attribute in e.attribs).length;
        expect(count("data-ui-stat")).toBe(countOf(tree, "Stat"));
        expect(count("data-ui-action")).toBe(countOf(tree, "Button"));
        expect(count("data-ui-form")).toBe(countOf(tree, "Form"));
        expect(count("data-ui-chart")).toBe(countOf(tree, "LineChart") + countOf(tree, "BarChart"));
        expect(count("data-ui-table")).toBe(countOf(tree, "Table"));
      }),
      { numRuns: 200 },
    );
  });

  it("gives a viewer no control that changes state: no Button, no submit, every input disabled", () => {
    fc.assert(
      fc.property(validUiTree(slug), (input) => {
        const html = render(parseUiTree(input, { slug }), "viewer");
        for (const element of elements(html)) {
          if (["button", "input", "select", "textarea"].includes(element.name)) {
            // Radix's hidden native <select> beside a Select is aria-hidden and not focusable
            if (element.attribs["aria-hidden"] === "true") continue;
            expect(element.attribs, `<${element.name}> in ${html.slice(0, 200)}`).toHaveProperty("disabled");
          }
          expect(element.attribs["data-ui-action"]).toBeUndefined();
        }
      }),
      { numRuns: 100 },
    );
  });

  it("shows a plugin's HTML as text, escaped", () => {
    const tree = parseUiTree(
      {
        type: "Card",
        props: { title: "<img src=x onerror=alert(1)>" },
        children: [
          { type: "Text", children: ["<script>alert(document.cookie)</script>"] },
          { type: "Badge", children: ['"><a href="https://evil.example">win</a>'] },
        ],
      },
      { slug },
    );
    const html = render(tree, "owner");
    expect(hazards(html)).toEqual([]);
    expect(html).toContain("&lt;script&gt;alert(document.cookie)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("draws a link only to the plugin's own endpoints, even when a tree reaches it unchecked", () => {
    const link = (href: string): UiNode => ({ type: "Link", props: { href }, children: ["open"] });
    const own = render(link(`/api/plugins/${slug}/export?format=csv`), "owner");
    expect(own).toContain(`href="/api/plugins/${slug}/export?format=csv"`);
    expect(own).toContain('rel="noopener noreferrer"');
    for (const href of ["javascript:alert(1)", "https://evil.example/", `/api/plugins/${slug}/../other/x`]) {
      const html = render(link(href), "owner");
      expect(html, href).not.toContain("href=");
      expect(html).toContain("open");
    }
  });

  it("formats money in minor units of its currency, percentages of 1, and the trend with its sign", () => {
    const html = render(
      parseUiTree(
        {
          type: "Grid",
          props: { columns: 3 },
          children: [
            {
              type: "Stat",
              props: { label: "Net revenue", value: 123456, format: { style: "money", currency: "EUR" }, trend: 0.25 },
            },
            {
              type: "Stat",
              props: { label: "Revenue", value: 1500, format: { style: "money", currency: "JPY" }, trend: -0.035 },
            },
            { type: "Stat", props: { label: "Conversion", value: 0.123, format: { style: "percent" }, trend: null } },
          ],
        },
        { slug },
      ),
      "owner",
    );
    expect(html).toContain("€1,234.56");
    expect(html).toContain("¥1,500");
    expect(html).toContain("12.3%");
    expect(html).toContain("+25%");
    expect(html).toContain("−3.5%");
    expect(html).toContain("no previous period");
  });
});
