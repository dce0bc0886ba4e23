/**
 * Plugin UI modules through the SDK's build tools, in Node like them: TSX widgets compile with the
 * automatic runtime to UI trees the platform's parser accepts, the bundle stays free of the schema
 * library, and `checkPlugin` (admin-cli validate) refuses a widget module whose default export is
 * not a function, or that does not exist.
 */
import { parseUiTree } from "@digital-commerce/plugin-sdk";
import { bundlePlugin, checkPlugin } from "@digital-commerce/plugin-sdk/build";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { givenWorkspace } from "./workspace.ts";

const ws = givenWorkspace();

const manifest = (slug: string, component: string) => `import { createPlugin } from "@digital-commerce/plugin-sdk";

export const manifest = createPlugin("UI ${slug}", "${slug}")
  .version("1.0.0")
  .widget({ id: "sales", component: "${component}", dashboard: "analytics", title: "Sales" })
  .build();
`;

const widget = `import { Badge, Card, Heading, Stack, Stat, Table } from "@digital-commerce/plugin-sdk/ui";

function Row({ label, value }: { label: string; value: number }) {
  return <Stat label={label} value={value} format={{ style: "money", currency: "EUR" }} trend={0.25} />;
}

export default async function Sales(_context: unknown, input: { action?: string }) {
  const currencies = ["EUR", "USD"];
  return (
    <Card title="Sales">
      <Heading>Revenue {2026}</Heading>
      <>
        <Row label="Net" value={125000} />
        {input.action === "refresh" && <Badge tone="success">fresh</Badge>}
        {null}
      </>
      <Stack direction="row">
        {currencies.map((c) => (
          <Badge key={c}>{c}</Badge>
        ))}
      </Stack>
      <Table columns={[{ key: "sku", label: "SKU" }]} rows={[{ sku: "MUG-1" }]} />
    </Card>
  );
}
`;

/** Compiles a TSX module as the plugin bundler does (automatic runtime, the SDK's import source) and loads it. */
async function loadTsx(dir: string, file: string): Promise<{ default: (...args: unknown[]) => Promise<unknown> }> {
  const result = await build({
    entryPoints: [ws.path(dir, file)],
    bundle: true,
    format: "esm",
    platform: "neutral",
    jsx: "automatic",
    jsxImportSource: "@digital-commerce/plugin-sdk",
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]?.text ?? "";
  return await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
}

describe("TSX widgets", () => {
  it("render to a tree parseUiTree accepts: components, fragments flattened, conditionals and nulls dropped, keys kept", async () => {
    ws.write({ "tsx/manifest.ts": manifest("tsx", "src/admin/Sales.tsx"), "tsx/src/admin/Sales.tsx": widget });
    const { default: sales } = await loadTsx("tsx", "src/admin/Sales.tsx");
    const tree = parseUiTree(await sales({}, { action: "refresh" }), { slug: "tsx" });
    expect(tree).toEqual({
      type: "Card",
      props: { title: "Sales" },
      children: [
        { type: "Heading", props: { level: 3 }, children: ["Revenue ", 2026] },
        {
          type: "Stat",
          props: { label: "Net", value: 125000, format: { style: "money", currency: "EUR" }, trend: 0.25 },
          children: [],
        },
        { type: "Badge", props: { tone: "success" }, children: ["fresh"] },
        {
          type: "Stack",
          props: { direction: "row", gap: 2 },
          children: [
            { type: "Badge", props: { tone: "default" }, children: ["EUR"], key: "EUR" },
            { type: "Badge", props: { tone: "default" }, children: ["USD"], key: "USD" },
          ],
        },
        {
          type: "Table",
          props: { columns: [{ key: "sku", label: "SKU", align: "left" }], rows: [{ sku: "MUG-1" }] },
          children: [],
        },
      ],
    });
  });

  it("refuses an intrinsic element such as <div> when it runs, naming the components to use", async () => {
    ws.write({ "div/src/admin/Div.tsx": "export default async function Div() {\n  return <div>hi</div>;\n}\n" });
    const { default: div } = await loadTsx("div", "src/admin/Div.tsx");
    await expect(div()).rejects.toThrow(
      "<div> is not a UI component: use the components of @digital-commerce/plugin-sdk/ui",
    );
  });

  it("bundle with the plugin, without the schema library", async () => {
    ws.write({
      "bundled/manifest.ts": manifest("bundled", "src/admin/Sales.tsx"),
      "bundled/src/admin/Sales.tsx": widget,
    });
    const { code } = await bundlePlugin(ws.path("bundled"));
    expect(code).toContain('var ui = { "src/admin/Sales.tsx": Sales };');
    expect(code).not.toMatch(/\bZodError\b|\$ZodType/);
  });
});

describe("checkPlugin on widget modules", () => {
  it("passes a widget whose default export is a function (context, input)", async () => {
    ws.write({ "good/manifest.ts": manifest("good", "src/admin/Sales.tsx"), "good/src/admin/Sales.tsx": widget });
    const check = await checkPlugin(ws.path("good"));
    expect(check.problems).toEqual([]);
    expect(check.ok).toBe(true);
  });

  it.each([
    [
      "a default export that is not a function",
      "export default { type: 'Stat', props: { label: 'x', value: 1 } };\n",
      { path: "default", message: "is an object, not a function (context, input) returning a UI tree" },
    ],
    [
      "no default export",
      "export const Sales = () => null;\n",
      { message: "has no default export; export the function (context, input) returning the UI tree as default" },
    ],
  ])("refuses a widget module with %s", async (_, source, problem) => {
    const slug = `w${Math.random().toString(36).slice(2, 8)}`;
    ws.write({ [`${slug}/manifest.ts`]: manifest(slug, "src/admin/W.tsx"), [`${slug}/src/admin/W.tsx`]: source });
    const check = await checkPlugin(ws.path(slug));
    expect(check.ok).toBe(false);
    expect(check.problems).toContainEqual(
      expect.objectContaining({ file: "src/admin/W.tsx", severity: "error", ...problem }),
    );
  });

  it("refuses a widget module that does not exist, naming the manifest's path", async () => {
    ws.write({ "gone/manifest.ts": manifest("gone", "src/admin/Gone.tsx") });
    const check = await checkPlugin(ws.path("gone"));
    expect(check.problems).toContainEqual(
      expect.objectContaining({
        file: "manifest.ts",
        path: "admin_ui.widgets.0.component",
        message: "src/admin/Gone.tsx does not exist",
        severity: "error",
      }),
    );
  });
});
