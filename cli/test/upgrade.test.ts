/**
 * admin-cli upgrade and rollback. First the README's walkthrough "upgrade a plugin and roll it back",
 * step by step as written there: stripe-gateway copied out of plugins/, edited to 2.1.0 (a renamed
 * setting, a migration with its down), published, upgraded with its configuration carried over,
 * rolled back. Then the refusals. Against a platform of this file's own: it publishes new versions of
 * stripe-gateway, and the other files' tests expect the catalogue's stripe-gateway at 2.0.0.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { givenLoggedIn, hasScript, type LoggedIn } from "./operations.ts";
import { startTestPlatform, type TestPlatform } from "./platform.ts";

const REPO = resolve(import.meta.dirname, "../..");

let platform: TestPlatform;
let me: LoggedIn;
const folders: string[] = [];

beforeAll(async () => {
  platform = await startTestPlatform();
  me = await givenLoggedIn(platform);
});

afterAll(async () => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  await platform?.stop();
});

/** Edits a file by replacing each `[from, to]`; fails when a `from` is not there (the plugin changed shape). */
function edit(file: string, ...replacements: [string, string][]): void {
  let text = readFileSync(file, "utf8");
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`${file} has no ${JSON.stringify(from)}: update the walkthrough`);
    text = text.replace(from, to);
  }
  writeFileSync(file, text);
}

/** The walkthrough's first step: plugins/stripe-gateway in a temporary folder, the repository's packages linked. */
function givenStripeGatewayCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "admin-cli-upgrade-")), "stripe-gateway");
  folders.push(resolve(dir, ".."));
  cpSync(join(REPO, "plugins/stripe-gateway"), dir, { recursive: true });
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/** Runs `args` at a terminal answering y when `script` is there, else with --yes: the same change either way. */
async function confirmed(args: string[]): Promise<{ code: number; output: string }> {
  if (hasScript) return await me.atTerminal(args, "y");
  const run = await me.cli([...args, "--yes"]);
  return { code: run.code, output: run.stdout + run.stderr };
}

const installed = async (slug: string) => {
  const run = await me.cli(["--json", "list", "--installed"]);
  return run
    .json<{ plugins: { slug: string; version: string; state: string }[] }>()
    .plugins.find((p) => p.slug === slug);
};

describe("the README's walkthrough: upgrade stripe-gateway to 2.1.0, and roll it back", () => {
  let dir: string;

  it("starts from stripe-gateway 2.0.0, installed and active with capture=manual", async () => {
    const install = await me.cli([
      "install",
      "stripe-gateway",
      "--set",
      "secret_key=sk_test_walkthrough",
      "webhook_secret=whsec_walkthrough",
      "capture=manual",
      "--yes",
    ]);
    expect(install.code, install.stderr).toBe(0);
    const activate = await me.cli(["activate", "stripe-gateway", "--cascade", "--yes"]);
    expect(activate.code, activate.stderr).toBe(0);
    expect(await installed("stripe-gateway")).toMatchObject({ version: "2.0.0", state: "active" });
  });

  it("publishes a copy edited to 2.1.0: capture renamed capture_mode, a migration with its down", async () => {
    dir = givenStripeGatewayCopy();
    edit(
      join(dir, "manifest.ts"),
      [
        '.version("2.0.0")',
        '.version("2.1.0")\n  .changelog("The capture setting is now capture_mode; refunds are logged in refund_log.")',
      ],
      ['.setting("capture", {', '.setting("capture_mode", {\n    renamed_from: "capture",'],
      [
        "  .build();",
        '  .migration(\n    "0002_refund_log",\n    "CREATE TABLE refund_log (id TEXT PRIMARY KEY, payment_intent TEXT NOT NULL, amount INTEGER NOT NULL)",\n    "DROP TABLE refund_log",\n  )\n  .build();',
      ],
    );
    edit(join(dir, "plugin.ts"), ["context.plugin.config.capture ===", "context.plugin.config.capture_mode ==="]);
    const run = await me.cli(["publish", dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Published stripe-gateway@2.1.0");
  });

  it("shows the plan with --dry-run: changelog, each setting, the migration, the permissions; nothing changes", async () => {
    const run = await me.cli(["upgrade", "stripe-gateway", "--dry-run"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Plan: upgrade stripe-gateway 2.0.0 → 2.1.0");
    expect(run.stdout).toContain(
      "Changelog: The capture setting is now capture_mode; refunds are logged in refund_log.",
    );
    expect(run.stdout).toMatch(/capture_mode\s+renamed from capture, value carried over/);
    expect(run.stdout).toMatch(/secret_key\s+kept/);
    expect(run.stdout).toContain("Database migrations to run: 0002_refund_log");
    expect(run.stdout).toContain("Permissions: unchanged");
    const json = await me.cli(["--json", "upgrade", "stripe-gateway", "--dry-run"]);
    expect(json.json()).toMatchObject({
      dry_run: true,
      approval_needed: false,
      steps: [
        {
          slug: "stripe-gateway",
          from: "2.0.0",
          to: "2.1.0",
          reason: "requested",
          config: expect.arrayContaining([{ key: "capture_mode", change: "renamed", from: "capture" }]),
          migrations: ["0002_refund_log"],
        },
      ],
    });
    expect(await installed("stripe-gateway")).toMatchObject({ version: "2.0.0" });
  });

  it("upgrades after asking; the configuration carries over under the new name", async () => {
    const run = await confirmed(["upgrade", "stripe-gateway"]);
    expect(run.code, run.output).toBe(0);
    if (hasScript) expect(run.output).toContain("? Upgrade stripe-gateway to 2.1.0? [y/N]");
    expect(run.output).toContain("Upgraded stripe-gateway 2.0.0 → 2.1.0; it is active.");
    expect(await installed("stripe-gateway")).toMatchObject({ version: "2.1.0", state: "active" });
    const config = await me.cli(["config", "get", "stripe-gateway"]);
    expect(config.stdout).toContain("stripe-gateway@2.1.0");
    expect(config.stdout).toMatch(/capture_mode\s+manual/);
    expect(config.stdout).toMatch(/secret_key\s+\*{8}\s+sensitive/);
    expect(config.stdout).not.toMatch(/^capture\s/m);
  });

  it("rolls back after showing what it undoes: 2.0.0 with its configuration, the migration's down run", async () => {
    const plan = await me.cli(["rollback", "stripe-gateway", "--dry-run"]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain("Plan: roll back stripe-gateway 2.1.0 → 2.0.0");
    expect(plan.stdout).toContain("Settings: restored as they were at 2.0.0");
    expect(plan.stdout).toContain("Database migrations to undo (their down): 0002_refund_log");
    const run = await confirmed(["rollback", "stripe-gateway"]);
    expect(run.code, run.output).toBe(0);
    if (hasScript) expect(run.output).toContain("? Roll stripe-gateway back to 2.0.0? [y/N]");
    expect(run.output).toContain("Rolled back stripe-gateway 2.1.0 → 2.0.0; it is active.");
    const config = await me.cli(["--json", "config", "get", "stripe-gateway"]);
    expect(config.json()).toMatchObject({ version: "2.0.0", config: { capture: "manual", secret_key: "********" } });
  });
});

describe("admin-cli upgrade and rollback refusals", () => {
  it("refuses a version the new settings cannot be filled for, naming the field and the --set that fills it", async () => {
    const dir = givenStripeGatewayCopy();
    edit(
      join(dir, "manifest.ts"),
      ['.version("2.0.0")', '.version("2.2.0")'],
      ['network: ["api.stripe.com"]', 'network: ["api.stripe.com", "files.stripe.com"]'],
      [
        '  .setting("api_base", {',
        '  .setting("statement_descriptor", { type: "string", label: "Statement descriptor", required: true })\n  .setting("api_base", {',
      ],
    );
    expect((await me.cli(["publish", dir])).code).toBe(0);
    const run = await me.cli(["upgrade", "stripe-gateway", "--to", "2.2.0", "--yes"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("config.statement_descriptor is required by the new version");
    expect(run.stderr).toContain("admin-cli upgrade stripe-gateway --set statement_descriptor=…");
    const json = await me.cli(["--json", "upgrade", "stripe-gateway", "--to", "2.2.0", "--yes"]);
    expect(json.json()).toMatchObject({
      error: { code: "INVALID_CONFIGURATION", details: { issues: [{ field: "config.statement_descriptor" }] } },
    });
    expect(await installed("stripe-gateway")).toMatchObject({ version: "2.0.0" });
  });

  it("shows new permissions highlighted and refuses them without --approve-permissions, with the API's message", async () => {
    const args = ["upgrade", "stripe-gateway", "--to", "2.2.0", "--set", "statement_descriptor=DEMO STORE"];
    const unasked = await me.cli(args);
    expect(unasked.code).toBe(2);
    expect(unasked.stderr).toContain("pass --yes");
    const run = await me.cli([...args, "--yes"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/statement_descriptor\s+set by --set/);
    expect(run.stdout).toContain("Permissions asked for: + network files.stripe.com (not granted now: needs approval)");
    expect(run.stderr).toContain("stripe-gateway@2.2.0 asks for files.stripe.com, not granted now");
    expect(run.stderr).toContain("upgrade again with --approve-permissions");
    const json = await me.cli(["--json", ...args, "--yes"]);
    expect(json.json()).toMatchObject({
      error: { code: "PERMISSIONS_NOT_APPROVED", details: { added: [{ slug: "stripe-gateway", version: "2.2.0" }] } },
    });
    expect(await installed("stripe-gateway")).toMatchObject({ version: "2.0.0" });
  });

  it("upgrades with the new permissions once they are approved (at a terminal, or --approve-permissions)", async () => {
    const args = ["upgrade", "stripe-gateway", "--to", "2.2.0", "--set", "statement_descriptor=DEMO STORE"];
    const run = hasScript
      ? await me.atTerminal(args, "y")
      : await me.cli([...args, "--approve-permissions", "--yes"]).then((r) => ({ ...r, output: r.stdout }));
    expect(run.code, run.output).toBe(0);
    if (hasScript) {
      expect(run.output).toContain("? Upgrade stripe-gateway to 2.2.0 and grant the new permissions shown? [y/N]");
    }
    const list = await me.cli(["list", "--installed"]);
    expect(list.stdout).toMatch(
      /stripe-gateway\s+2\.2\.0\s+active\s+payment\s+network: api\.stripe\.com, files\.stripe\.com/,
    );
  });

  it("rolls back, then refuses to roll back further: 2.0.0 was installed, not upgraded to", async () => {
    expect((await me.cli(["rollback", "stripe-gateway", "--yes"])).code).toBe(0);
    expect(await installed("stripe-gateway")).toMatchObject({ version: "2.0.0" });
    const run = await me.cli(["rollback", "stripe-gateway", "--yes"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("stripe-gateway has no earlier version to roll back to");
    expect((await me.cli(["--json", "rollback", "stripe-gateway", "--dry-run"])).json()).toMatchObject({
      error: { code: "ROLLBACK_REFUSED" },
    });
  });

  it("refuses to roll back past a migration without a down, naming it", async () => {
    const dir = givenStripeGatewayCopy();
    edit(
      join(dir, "manifest.ts"),
      ['.version("2.0.0")', '.version("2.3.0")'],
      ["  .build();", '  .migration("0002_disputes", "CREATE TABLE disputes (id TEXT PRIMARY KEY)")\n  .build();'],
    );
    expect((await me.cli(["publish", dir])).code).toBe(0);
    const upgraded = await me.cli(["--json", "upgrade", "stripe-gateway", "--to", "2.3.0", "--yes"]);
    expect(upgraded.code, upgraded.stdout).toBe(0);
    expect(upgraded.json()).toMatchObject({ plugin: { version: "2.3.0" }, steps: [{ migrations: ["0002_disputes"] }] });
    const run = await me.cli(["rollback", "stripe-gateway", "--dry-run"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("migration 0002_disputes declares no down, so it cannot be undone");
    expect(await installed("stripe-gateway")).toMatchObject({ version: "2.3.0" });
  });

  it.each([
    [["upgrade", "stripe-gateway", "--to", "9.9.9", "--dry-run"], "VERSION_NOT_FOUND"],
    // at 2.3.0, its newest version
    [["upgrade", "stripe-gateway", "--dry-run"], "ILLEGAL_TRANSITION"],
    // not installed
    [["upgrade", "audit-log", "--dry-run"], "ILLEGAL_TRANSITION"],
    [["rollback", "audit-log", "--dry-run"], "ILLEGAL_TRANSITION"],
    [["upgrade", "no-such-plugin", "--dry-run"], "PLUGIN_NOT_FOUND"],
  ])("answers %j with exit 1 and %s", async (args, code) => {
    const run = await me.cli(["--json", ...args]);
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({ error: { code } });
  });
});
