/** admin-cli scaffold: a complete plugin of every category that validates, builds and passes its own tests, with no edit. */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { pluginCategories } from "@digital-commerce/plugin-sdk";
import { describe, expect, it } from "vitest";
import { givenWorkspace, nodeTest, REPO } from "./workspace.ts";

const ws = givenWorkspace();

describe("admin-cli scaffold", () => {
  it.each(pluginCategories)("writes a %s plugin that validates, builds and passes its own tests", async (category) => {
    const slug = `my-${category}`;
    const scaffolded = await ws.cli(["--json", "scaffold", category, slug, "--author", "Ada", "--dir", slug]);
    expect(scaffolded.code, scaffolded.stderr).toBe(0);
    const files = scaffolded.json<{ slug: string; category: string; files: string[] }>();
    expect(files).toMatchObject({ slug, category });
    expect(files.files).toEqual(
      expect.arrayContaining([
        "manifest.ts",
        "plugin.test.ts",
        "README.md",
        "package.json",
        expect.stringMatching(/^src\/hooks\//),
        expect.stringMatching(/^src\/api\//),
      ]),
    );
    expect(files.files.includes("plugin.ts")).toBe(category !== "utility");
    expect(readFileSync(ws.path(slug, "manifest.ts"), "utf8")).toContain('.author("Ada")');

    const validated = await ws.cli(["--json", "validate", slug]);
    expect(validated.code, validated.stdout).toBe(0);
    expect(validated.json()).toMatchObject({ ok: true, slug, version: "0.1.0", problems: [] });

    const built = await ws.cli(["--json", "build", slug]);
    expect(built.code, built.stdout).toBe(0);
    expect(built.json()).toMatchObject({ slug, version: "0.1.0", hash: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const tested = await nodeTest(ws.path(slug));
    expect(tested.code, tested.output).toBe(0);
    expect(tested.output).toMatch(/# fail 0|ℹ fail 0/);
    expect(tested.output).not.toMatch(/# pass 0\b|ℹ pass 0\b/);
  });

  it("writes the spec's example to plugins/<slug> by default and says what to do next", async () => {
    const run = await ws.cli(["scaffold", "payment", "stripe-gateway", "--author", "Your Name"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Scaffolded the payment plugin stripe-gateway in plugins/stripe-gateway");
    expect(run.stdout).toContain("admin-cli validate plugins/stripe-gateway");
    expect(readFileSync(ws.path("plugins/stripe-gateway/manifest.ts"), "utf8")).toContain(
      'createPaymentPlugin("Stripe Gateway", "stripe-gateway")',
    );
  });

  it("writes into an existing empty folder", async () => {
    mkdirSync(ws.path("empty"));
    expect((await ws.cli(["scaffold", "cms", "headless-cms", "--dir", "empty"])).code).toBe(0);
    expect(existsSync(ws.path("empty/manifest.ts"))).toBe(true);
  });

  it.each([
    [
      ["scaffold", "shipping", "my-plugin"],
      /Unknown category "shipping"; the categories are payment, auth, analytics, email, cms, utility/,
    ],
    [["scaffold", "payment", "Stripe_Gateway"], /Invalid slug "Stripe_Gateway": must be kebab-case/],
    [["scaffold", "payment", "graph"], /Invalid slug "graph": is reserved by the admin API/],
    [["scaffold", "payment", "x"], /Invalid slug "x"/],
    [["scaffold", "payment"], /missing required argument 'slug'/],
  ])("refuses %j with exit 2, naming the problem", async (args, message) => {
    const run = await ws.cli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("never writes into a folder that has files, exit 2", async () => {
    ws.write({ "taken/notes.txt": "mine" });
    const run = await ws.cli(["--json", "scaffold", "payment", "stripe-gateway", "--dir", "taken"]);
    expect(run.code).toBe(2);
    expect(run.json()).toMatchObject({
      error: { code: "USAGE", message: expect.stringContaining("taken already exists and is not empty") },
    });
    expect(existsSync(ws.path("taken/manifest.ts"))).toBe(false);
  });

  it("writes code that passes the repository's type check and linter", async () => {
    for (const category of pluginCategories) {
      const run = await ws.cli(["scaffold", category, `lint-${category}`, "--dir", `lint/lint-${category}`]);
      expect(run.code, run.stderr).toBe(0);
    }
    // the repository's settings, over the scaffolded folders only; Node's types for the tests' node:test
    writeFileSync(
      ws.path("lint/tsconfig.json"),
      JSON.stringify({
        extends: join(REPO, "tsconfig.json"),
        compilerOptions: { types: ["@cloudflare/workers-types", "node"] },
        include: ["."],
      }),
    );
    const exec = promisify(execFile);
    const bin = (name: string) => join(REPO, "node_modules/.bin", name);
    await expect(exec(bin("tsc"), ["--noEmit", "-p", ws.path("lint/tsconfig.json")])).resolves.toBeDefined();
    // biome reads its configuration from the folder it runs in
    writeFileSync(ws.path("biome.json"), readFileSync(join(REPO, "biome.json")));
    await expect(exec(bin("biome"), ["check", "lint"], { cwd: ws.dir })).resolves.toBeDefined();
  }, 120_000);
});
