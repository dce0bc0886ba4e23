/** admin-cli validate: every problem of a plugin folder in one run, each with its file and path. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { givenWorkspace, REPO } from "./workspace.ts";

const ws = givenWorkspace();

interface Problem {
  file: string;
  path?: string;
  message: string;
  severity: "error" | "warning";
}

/** A payment plugin broken in six ways at once, two of them only worth a warning. */
const broken = {
  "broken/manifest.ts": `import { createPaymentPlugin } from "@digital-commerce/plugin-sdk";

export const manifest = createPaymentPlugin("Broken Gateway", "broken-gateway")
  .version("1.0.0")
  .dependency("core-utils", "one point oh")
  .hook("before_payment_create", "src/hooks/before.ts")
  .hook("after_order_create", "src/hooks/missing.ts")
  .apiEndpoint("GET", "/report", "src/api/report.ts")
  .build();
`,
  "broken/src/hooks/before.ts": "export default async function before() {}\n",
  "broken/src/api/report.ts": "export async function report() {\n  return {};\n}\n",
  "broken/plugin.ts": `export default {
  processPayment: async () => ({ success: true, transaction_id: "t", status: "captured" }),
  capturePayment: "later",
  sendEmail: async () => ({ success: true }),
};
`,
};

const referencePlugins = readdirSync(join(REPO, "plugins"), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

describe("admin-cli validate", () => {
  it.each(referencePlugins)("passes the reference plugin %s", async (name) => {
    const run = await ws.cli(["--json", "validate", join(REPO, "plugins", name)]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.json()).toMatchObject({ ok: true, slug: name });
  });

  it("reports every problem of a broken plugin with its file and path, exit 1", async () => {
    ws.write(broken);
    const run = await ws.cli(["validate", "broken"]);
    expect(run.code).toBe(1);
    const lines = run.stdout.split("\n");
    const expected = [
      "✖ manifest.ts: dependencies.0.version: must be a semver range such as ^1.0.0",
      '✖ manifest.ts: hooks.0.name: unknown hook "before_payment_create"; did you mean "before_payment_process"?',
      "✖ manifest.ts: hooks.1.handler: src/hooks/missing.ts does not exist",
      "✖ src/api/report.ts: has no default export; export the handler function as default",
      "✖ plugin.ts: default.capturePayment: is a string, not a function",
      "✖ plugin.ts: default.sendEmail: is not a method of a payment plugin (its methods are processPayment, capturePayment, cancelPayment, refundPayment, retrievePayment, handleWebhook); the platform never calls it",
      "! plugin.ts: default.cancelPayment: is not implemented; the platform refuses calls to it",
      "! plugin.ts: default.refundPayment: is not implemented; the platform refuses calls to it",
      "! plugin.ts: default.retrievePayment: is not implemented; the platform refuses calls to it",
      "! plugin.ts: default.handleWebhook: is not implemented; the platform refuses calls to it",
    ];
    for (const line of expected)
      expect(
        lines.some((l) => l.startsWith(line)),
        `${line}\nin\n${run.stdout}`,
      ).toBe(true);
    expect(run.stderr).toContain("broken has 6 problems and 4 warnings.");
  });

  it("lists the problems with --json", async () => {
    ws.write(broken);
    const run = await ws.cli(["--json", "validate", "broken"]);
    expect(run.code).toBe(1);
    const { error } = run.json<{ error: { code: string; details: { dir: string; problems: Problem[] } } }>();
    expect(error.code).toBe("INVALID_PLUGIN");
    expect(error.details.problems).toHaveLength(10);
    expect(error.details.problems).toContainEqual({
      file: "manifest.ts",
      path: "hooks.1.handler",
      message: "src/hooks/missing.ts does not exist",
      severity: "error",
    });
    expect(error.details.problems.map((p) => p.severity)).toEqual([
      ...Array(6).fill("error"),
      ...Array(4).fill("warning"),
    ]);
  });

  it("points at the line of a syntax error", async () => {
    ws.write({
      "typo/manifest.ts": `import { createPlugin } from "@digital-commerce/plugin-sdk";
export const manifest = createPlugin("Typo", "typo").hook("after_order_create", "src/hooks/after.ts").build();
`,
      "typo/src/hooks/after.ts": "export default async function after() {\n  return 1 +;\n}\n",
    });
    const run = await ws.cli(["--json", "validate", "typo"]);
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({
      error: { details: { problems: [{ file: "src/hooks/after.ts", path: "2:13", severity: "error" }] } },
    });
  });

  it("refuses a lifecycle callback defined in both plugin.ts and lifecycle.ts", async () => {
    ws.write({
      "twice/manifest.ts": `import { createPlugin } from "@digital-commerce/plugin-sdk";
export const manifest = createPlugin("Twice", "twice").build();
`,
      "twice/plugin.ts": "export default { onInstall: async () => {} };\n",
      "twice/lifecycle.ts": "export async function onInstall() {}\nexport const helper = 1;\n",
    });
    const run = await ws.cli(["validate", "twice"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("✖ plugin.ts: default.onInstall: is also exported by lifecycle.ts; keep one of them");
    expect(run.stdout).toContain("! lifecycle.ts: helper: is not a lifecycle callback");
  });

  it("checks the exports of modules that open TCP with cloudflare:sockets, which Node lacks", async () => {
    ws.write({
      "mailer/manifest.ts": `import { createEmailPlugin } from "@digital-commerce/plugin-sdk";
export const manifest = createEmailPlugin("Mailer", "mailer").build();
`,
      "mailer/plugin.ts": `import { connect } from "cloudflare:sockets";
export default {
  sendEmail: async () => { connect("smtp.example.com:587"); return { success: true, message_id: "m", accepted: [] }; },
  verifyConnection: "yes",
};
`,
    });
    const run = await ws.cli(["validate", "mailer"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("✖ plugin.ts: default.verifyConnection: is a string, not a function");
    expect(run.stdout).not.toContain("not loaded in Node");
  });

  it("passes a plugin with warnings only, listing them, exit 0", async () => {
    ws.write({
      "warned/manifest.ts": `import { createEmailPlugin } from "@digital-commerce/plugin-sdk";
export const manifest = createEmailPlugin("Warned", "warned").build();
`,
      "warned/plugin.ts":
        "export default {\n  sendEmail: async () => ({ success: true, message_id: 'm', accepted: [] }),\n  verifyConnection: async () => true,\n};\n",
    });
    const run = await ws.cli(["--json", "validate", "warned"]);
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({
      ok: true,
      slug: "warned",
      problems: [{ file: "plugin.ts", path: "default.handleWebhook", severity: "warning" }],
    });
  });

  it("says a folder without manifest.ts is not a plugin (exit 1), and a missing folder is a usage error (exit 2)", async () => {
    ws.write({ "notes/readme.txt": "not a plugin" });
    const empty = await ws.cli(["validate", "notes"]);
    expect(empty.code).toBe(1);
    expect(empty.stdout).toContain("✖ manifest.ts: is missing");
    const missing = await ws.cli(["validate", "nowhere"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nowhere does not exist");
  });
});
