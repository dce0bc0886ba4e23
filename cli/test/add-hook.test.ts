/** admin-cli add-hook: a typed handler file and its manifest entry; unknown and duplicate hooks refused. */
import { existsSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { givenWorkspace } from "./workspace.ts";

const ws = givenWorkspace();

async function givenScaffolded(category: string, slug: string): Promise<string> {
  const run = await ws.cli(["scaffold", category, slug, "--dir", slug]);
  if (run.code !== 0) throw new Error(run.stderr);
  return slug;
}

describe("admin-cli add-hook", () => {
  it("adds a typed handler and its manifest entry, and the plugin still validates", async () => {
    const dir = await givenScaffolded("payment", "gateway-one");
    const run = await ws.cli(["--json", "add-hook", "after_order_create", dir]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.json()).toMatchObject({
      slug: "gateway-one",
      hook: "after_order_create",
      kind: "notification",
      handler: "src/hooks/afterOrderCreate.ts",
      created: true,
    });
    const handler = readFileSync(ws.path(dir, "src/hooks/afterOrderCreate.ts"), "utf8");
    expect(handler).toContain('import type { HookHandler, OrderHookData } from "@digital-commerce/plugin-sdk";');
    expect(handler).toContain("const afterOrderCreate: HookHandler<OrderHookData> = async (context, data) => {");
    expect(readFileSync(ws.path(dir, "manifest.ts"), "utf8")).toContain(
      '  .hook("before_payment_process", "src/hooks/beforePaymentProcess.ts")\n  .hook("after_order_create", "src/hooks/afterOrderCreate.ts")\n',
    );
    const validated = await ws.cli(["--json", "validate", dir]);
    expect(validated.code, validated.stdout).toBe(0);
  });

  it("writes a before hook that returns its subject, with the priority asked for", async () => {
    const dir = await givenScaffolded("utility", "helpers-two");
    const run = await ws.cli(["add-hook", "before_order_create", dir, "--priority", "50"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Added before_order_create (before) to helpers-two");
    expect(readFileSync(ws.path(dir, "manifest.ts"), "utf8")).toContain(
      '.hook("before_order_create", "src/hooks/beforeOrderCreate.ts", 50)',
    );
    // the utility plugin has no logger capability, so the handler does not log
    const handler = readFileSync(ws.path(dir, "src/hooks/beforeOrderCreate.ts"), "utf8");
    expect(handler).toContain("return data.order;");
    expect(handler).not.toContain("context.logger");
    expect((await ws.cli(["validate", dir])).code).toBe(0);
  });

  it("registers an existing handler file as it is, without overwriting it", async () => {
    const dir = await givenScaffolded("utility", "helpers-three");
    const mine = 'export default async function receipt() {\n  return "mine";\n}\n';
    ws.write({ [`${dir}/src/receipt.ts`]: mine });
    const run = await ws.cli(["--json", "add-hook", "after_order_complete", dir, "--handler", "./src/receipt.ts"]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.json()).toMatchObject({ handler: "src/receipt.ts", created: false });
    expect(readFileSync(ws.path(dir, "src/receipt.ts"), "utf8")).toBe(mine);
  });

  it("says the hook is already there, exit 1, and changes nothing", async () => {
    const dir = await givenScaffolded("payment", "gateway-four");
    const before = readFileSync(ws.path(dir, "manifest.ts"), "utf8");
    const run = await ws.cli(["--json", "add-hook", "before_payment_process", dir]);
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({
      error: {
        code: "HOOK_EXISTS",
        message:
          "gateway-four already handles before_payment_process, with src/hooks/beforePaymentProcess.ts (manifest.ts: hooks.0); nothing changed.",
      },
    });
    expect(readFileSync(ws.path(dir, "manifest.ts"), "utf8")).toBe(before);
  });

  it("refuses the spec's before_payment_create, suggesting before_payment_process, exit 2", async () => {
    await ws.cli(["scaffold", "payment", "stripe-gateway", "--author", "Your Name"]);
    const run = await ws.cli(["add-hook", "before_payment_create", "./plugins/stripe-gateway"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown hook "before_payment_create"; did you mean "before_payment_process"?');
    const json = await ws.cli(["--json", "add-hook", "before_payment_create", "./plugins/stripe-gateway"]);
    expect(json.json()).toMatchObject({
      error: {
        code: "USAGE",
        details: {
          hook: "before_payment_create",
          suggestions: ["before_payment_process", "after_payment_failure", "after_payment_success"],
        },
      },
    });
    expect(existsSync(ws.path("plugins/stripe-gateway/src/hooks/beforePaymentCreate.ts"))).toBe(false);
    // and the rest of the spec's example
    expect((await ws.cli(["validate", "./plugins/stripe-gateway"])).code).toBe(0);
  });

  describe("bad input", () => {
    beforeAll(() => givenScaffolded("payment", "gateway-six"));

    it.each([
      [["add-hook", "after_order_create", "nowhere"], /nowhere does not exist/],
      [["add-hook", "after_order_create", "."], /has no manifest\.ts, so it is not a plugin folder/],
      [["add-hook", "after_order_create", "gateway-six", "--handler", "../outside.ts"], /is outside the plugin folder/],
      [["add-hook", "after_order_create", "gateway-six", "--priority", "soon"], /must be an integer from 0 to 10000/],
      [["add-hook", "after_order_create"], /missing required argument 'dir'/],
    ])("refuses %j with exit 2", async (args, message) => {
      const run = await ws.cli(args);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    });
  });

  it("refuses a plugin whose manifest does not load, listing why, exit 1", async () => {
    const dir = await givenScaffolded("utility", "helpers-five");
    const manifest = readFileSync(ws.path(dir, "manifest.ts"), "utf8").replace('.version("0.1.0")', '.version("one")');
    ws.write({ [`${dir}/manifest.ts`]: manifest });
    const run = await ws.cli(["add-hook", "after_order_create", dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("manifest.ts: version: must be a semantic version such as 1.0.0");
    expect(run.stderr).toContain("Fix manifest.ts before adding a hook");
  });
});
