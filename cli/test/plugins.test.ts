/**
 * The plugin lifecycle from the terminal, against the platform the global setup started: stripe-gateway
 * with its dependency core-utils, each change planned first, asked, then done.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, givenLoggedIn, givenUninstalled, hasScript, type LoggedIn, platform } from "./operations.ts";
import { runCli } from "./run-cli.ts";

let me: LoggedIn;

beforeAll(async () => {
  me = await givenLoggedIn();
  await givenUninstalled("core-utils");
});

const stateOf = async (slug: string) =>
  (await api<{ plugins: { slug: string; state: string }[] }>("GET", "/api/admin/plugins/installed")).body.plugins.find(
    (p) => p.slug === slug,
  )?.state;

describe("admin-cli against the admin API", () => {
  it("lists the catalogue, with the profile login saved", async () => {
    const run = await me.cli(["list"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/stripe-gateway\s+2\.0\.0\s+available\s+payment\s+core-utils \^1\.3\.0/);
    const json = (await me.cli(["--json", "list"])).json<{ plugins: { slug: string; latest_version: string }[] }>();
    expect(json.plugins.map((p) => p.slug)).toEqual(expect.arrayContaining(["core-utils", "stripe-gateway"]));
  });

  it("refuses to install without --yes when no one is at a terminal, after showing the plan (exit 2)", async () => {
    const run = await me.cli(["install", "stripe-gateway"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("Plan: install stripe-gateway and 1 dependency");
    expect(run.stderr).toContain("pass --yes");
    expect(await stateOf("stripe-gateway")).toBeUndefined();
    const json = await me.cli(["--json", "install", "stripe-gateway"]);
    expect(json.code).toBe(2);
    expect(json.json()).toMatchObject({ error: { code: "USAGE" } });
  });

  it.skipIf(!hasScript)("asks at a terminal, and changes nothing when the answer is no", async () => {
    const no = await me.atTerminal(["install", "stripe-gateway"], "n");
    expect(no.code).toBe(1);
    expect(no.output).toContain("? Install stripe-gateway with core-utils and grant the permissions shown? [y/N]");
    expect(no.output).toContain("Cancelled; nothing changed.");
    expect(await stateOf("stripe-gateway")).toBeUndefined();
  });

  it("shows the plan with the dependency and the permissions to approve, then installs with --yes", async () => {
    const run = await me.cli(["install", "stripe-gateway", "--yes"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\+\s+core-utils\s+1\.3\.0\s+dependency\s+none/);
    expect(run.stdout).toMatch(
      /\+\s+stripe-gateway\s+2\.0\.0\s+requested\s+network: api\.stripe\.com; capabilities: http, db, logger/,
    );
    expect(run.stdout).toContain("Installed stripe-gateway@2.0.0 with core-utils@1.3.0");
    expect(await stateOf("core-utils")).toBe("installed");
    const installed = await me.cli(["list", "--installed"]);
    expect(installed.stdout).toMatch(/core-utils \(dependency\)\s+1\.3\.0\s+installed/);
  });

  it("plans only with --dry-run, and says why an install is refused", async () => {
    await givenUninstalled("audit-log");
    const dry = await me.cli(["--json", "install", "audit-log", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.json()).toMatchObject({ dry_run: true, installed: [{ slug: "audit-log", as_dependency: false }] });
    expect(await stateOf("audit-log")).toBeUndefined();
    const again = await me.cli(["--json", "install", "stripe-gateway", "--yes"]);
    expect(again.code).toBe(1);
    expect(again.json()).toMatchObject({ error: { code: "ILLEGAL_TRANSITION" } });
  });

  it("sets settings, merged into the stored ones, and keeps sensitive values masked", async () => {
    const set = await me.cli([
      "config",
      "set",
      "stripe-gateway",
      "secret_key=sk_test_cli_secret",
      "webhook_secret=whsec_test_cli_secret",
      "capture=manual",
    ]);
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/secret_key\s+\*{8}\s+sensitive/);
    expect(set.stdout).toMatch(/webhook_secret\s+\*{8}\s+sensitive/);
    expect(set.stdout).not.toContain("sk_test_cli_secret");
    expect(set.stdout).not.toContain("whsec_test_cli_secret");
    // changing one key keeps the secret: the masked value goes back and the platform keeps what it has
    expect((await me.cli(["config", "set", "stripe-gateway", "capture=automatic"])).code).toBe(0);
    const get = await me.cli(["--json", "config", "get", "stripe-gateway"]);
    expect(get.json()).toMatchObject({
      config: {
        secret_key: "********",
        webhook_secret: "********",
        capture: "automatic",
        api_base: "https://api.stripe.com",
      },
      sensitive: ["secret_key", "webhook_secret"],
      missing_required: [],
    });
    expect(get.stdout).not.toContain("sk_test_cli_secret");
    expect(get.stdout).not.toContain("whsec_test_cli_secret");
  });

  it("refuses to activate over an inactive dependency, in CLI terms, then activates with --cascade", async () => {
    const refused = await me.cli(["activate", "stripe-gateway", "--yes"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("pass --cascade");
    const run = await me.cli(["activate", "stripe-gateway", "--cascade", "--yes"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Plan: activate core-utils, then stripe-gateway (2 plugins, in this order)");
    expect(run.stdout).toContain("Activated core-utils, stripe-gateway.");
    expect(await stateOf("stripe-gateway")).toBe("active");
  });

  it("shows the dependency tree with versions and states (the spec's Debug Tools command)", async () => {
    const run = await me.cli(["dependencies", "stripe-gateway"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("stripe-gateway@2.0.0");
    expect(run.stdout).toMatch(/└── core-utils \^1\.3\.0 → 1\.3\.0 ✔ active/);
    const deps = await me.cli(["dependencies", "core-utils"]);
    expect(deps.stdout).toContain("Depended on by: stripe-gateway (active)");
  });

  it("shows health: state, checks, calls", async () => {
    const run = await me.cli(["health", "stripe-gateway"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("stripe-gateway: active, healthy");
    expect(run.stdout).toContain("✔ dependency:core-utils: core-utils@1.3.0 is active (needs ^1.3.0)");
    expect(run.stdout).toMatch(/Calls \(24h\): \d+/);
    const json = (await me.cli(["--json", "health", "stripe-gateway"])).json();
    expect(json).toMatchObject({ status: "healthy", checks: expect.any(Array), calls: { window: "24h" } });
  });

  it("plans a deactivation with the dependents it takes along, and refuses without --yes", async () => {
    const asked = await me.cli(["deactivate", "core-utils", "--cascade"]);
    expect(asked.code).toBe(2);
    expect(asked.stdout).toContain("Plan: deactivate stripe-gateway, then core-utils");
    expect(await stateOf("core-utils")).toBe("active");
    const run = await me.cli(["--json", "deactivate", "core-utils", "--cascade", "--yes"]);
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ changed: ["stripe-gateway", "core-utils"], plugin: { state: "inactive" } });
  });

  it("uninstalls with the plan shown, dependents included with --cascade", async () => {
    const refused = await me.cli(["uninstall", "core-utils", "--yes"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Cannot uninstall core-utils: stripe-gateway depends on it");
    const run = await me.cli(["uninstall", "core-utils", "--cascade", "--yes"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Plan: uninstall stripe-gateway, then core-utils");
    expect(run.stdout).toContain("data (its database, storage objects, cache entries) is deleted");
    expect(await stateOf("core-utils")).toBeUndefined();
  });

  it("runs the spec's example as written: admin-cli install stripe-gateway --tenant <tenant>", async () => {
    // as written means at a terminal, answering the question (scripts add --yes)
    const run = hasScript
      ? await me.atTerminal(["install", "stripe-gateway", "--tenant", "demo"], "y")
      : await me
          .cli(["install", "stripe-gateway", "--tenant", "demo", "--yes"])
          .then((r) => ({ ...r, output: r.stdout }));
    expect(run.code).toBe(0);
    expect(run.output).toContain("Installed stripe-gateway@2.0.0 with core-utils@1.3.0");
    await givenUninstalled("core-utils");
  });

  it("refuses a --tenant the token does not belong to", async () => {
    const { url, token } = platform();
    const run = await runCli(["--json", "list", "--url", url, "--token", token, "--tenant", "someone-else"]);
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({ error: { code: "TENANT_MISMATCH" } });
  });

  it("answers a usage error with exit 2 and a platform error with exit 1", async () => {
    expect((await me.cli(["install"])).code).toBe(2);
    expect((await me.cli(["config", "set", "stripe-gateway"])).code).toBe(2);
    expect((await me.cli(["config", "set", "stripe-gateway", "no-equals-sign"])).code).toBe(2);
    const missing = await me.cli(["--json", "health", "no-such-plugin"]);
    expect(missing.code).toBe(1);
    expect(missing.json()).toMatchObject({ error: { code: "PLUGIN_NOT_FOUND" } });
  });
});
