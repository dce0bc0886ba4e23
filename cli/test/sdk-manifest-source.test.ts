/**
 * Editing manifest.ts as its author would (the SDK's addHookCall and setVersionCall, behind
 * add-hook and dev --bump): one call added or one version changed, every other byte kept. In Node,
 * like the SDK's other build tools.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { addHookCall, setVersionCall } from "@digital-commerce/plugin-sdk/build";
import { describe, expect, it } from "vitest";
import { REPO } from "./workspace.ts";

const chain = `/** A plugin. */
import { createPaymentPlugin } from "@digital-commerce/plugin-sdk";

export const manifest = createPaymentPlugin("Gateway", "gateway")
  .version("1.0.0")
  .hook("before_payment_process", "src/hooks/minimum.ts") // the spec's example
  .setting("capture", { type: "string", label: "Capture" })
  .build();
`;

describe("addHookCall", () => {
  it("adds the hook after the chain's last hook, keeping its comment on its line", () => {
    expect(addHookCall(chain, "after_order_create", "src/hooks/afterOrderCreate.ts", 50)).toBe(
      chain.replace(
        "// the spec's example\n",
        `// the spec's example\n  .hook("after_order_create", "src/hooks/afterOrderCreate.ts", 50)\n`,
      ),
    );
  });

  it("adds it just before .build() when the chain has no hook, in the chain's own layout", () => {
    const noHooks = `export const manifest = createPlugin("A", "a")\n  .version("1.0.0")\n  .build();\n`;
    expect(addHookCall(noHooks, "user_login", "src/hooks/userLogin.ts")).toBe(
      `export const manifest = createPlugin("A", "a")\n  .version("1.0.0")\n  .hook("user_login", "src/hooks/userLogin.ts")\n  .build();\n`,
    );
    const inline = `export const manifest = createPlugin("A", "a").version("1.0.0").build();\n`;
    expect(addHookCall(inline, "user_login", "h.ts")).toBe(
      `export const manifest = createPlugin("A", "a").version("1.0.0").hook("user_login", "h.ts").build();\n`,
    );
  });

  it("never adds it inside a callback: audit-log's hooks come from a reduce", () => {
    const auditLog = readFileSync(join(REPO, "plugins/audit-log/manifest.ts"), "utf8");
    const edited = addHookCall(auditLog, "before_order_create", "src/hooks/beforeOrderCreate.ts");
    expect(edited).toContain(
      '.reduce((b, hook) => b.hook(hook, "src/hooks/record.ts"), createPlugin("Audit Log", "audit-log"))',
    );
    expect(edited).toContain('  .hook("before_order_create", "src/hooks/beforeOrderCreate.ts")\n  .build();');
    expect(edited.length - auditLog.length).toBe(
      '  .hook("before_order_create", "src/hooks/beforeOrderCreate.ts")\n'.length,
    );
  });

  it("reads TypeScript: type imports, annotations, as and satisfies", () => {
    const typed = `import { createPlugin, type PluginManifest } from "@digital-commerce/plugin-sdk";
const version: string = "1.0.0" as string;
export const manifest: PluginManifest = createPlugin("A", "a")
  .version(version)
  .build() satisfies PluginManifest;
`;
    expect(addHookCall(typed, "user_login", "h.ts")).toContain(
      '  .version(version)\n  .hook("user_login", "h.ts")\n  .build()',
    );
  });

  it("refuses a manifest written without the builder, and one that does not parse", () => {
    expect(() => addHookCall(`export const manifest = { name: "A", slug: "a" };\n`, "user_login", "h.ts")).toThrow(
      expect.objectContaining({ code: "NO_BUILDER_CHAIN" }),
    );
    expect(() => addHookCall("export const manifest = createPlugin(", "user_login", "h.ts")).toThrow(
      expect.objectContaining({ code: "MANIFEST_UNPARSABLE" }),
    );
  });
});

describe("setVersionCall", () => {
  it("changes the version's string, nothing else", () => {
    expect(setVersionCall(chain, "1.0.1")).toBe(chain.replace('.version("1.0.0")', '.version("1.0.1")'));
  });

  it("adds a .version() call to a chain without one", () => {
    const noVersion = `export const manifest = createPlugin("A", "a")\n  .hook("user_login", "h.ts")\n  .build();\n`;
    expect(setVersionCall(noVersion, "0.1.1")).toContain(
      '.hook("user_login", "h.ts")\n  .version("0.1.1")\n  .build();',
    );
  });

  it("refuses a version computed by an expression", () => {
    const computed = `export const manifest = createPlugin("A", "a").version(base + ".1").build();\n`;
    expect(() => setVersionCall(computed, "2.0.0")).toThrow("sets its version with an expression");
  });
});
