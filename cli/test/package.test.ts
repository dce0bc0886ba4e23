/**
 * The SDK and the CLI as a third party gets them: `npm pack` of both, installed with npm into an empty
 * folder outside the repository (their dependencies from the registry), then every category scaffolded
 * there, installed, tested, validated, built and published to the platform the global setup started,
 * with nothing of the repository reachable. A plugin folder without the SDK gets one problem, with its fix.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { pluginCategories } from "@digital-commerce/plugin-sdk";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runProcess } from "./run-cli.ts";

const REPO = resolve(import.meta.dirname, "../..");
const SDK = "@digital-commerce/plugin-sdk";

/**
 * The environment of a command the test runs as a third party: without npm's own variables (an
 * `npm test` above this one would hand its workspace settings down), a CLI config of the test's own.
 */
function outsideEnv(configPath: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("npm_")));
  return { ...env, NO_COLOR: "1", ADMIN_CLI_CONFIG: configPath, ADMIN_CLI_URL: undefined, ADMIN_CLI_TOKEN: undefined };
}

const run = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) =>
  runProcess(command, args, { cwd, env, timeoutMs: 300_000 });

const root = mkdtempSync(join(tmpdir(), "admin-cli-package-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const env = outsideEnv(join(root, "admin-cli.json"));
/** The third party's folder: both tarballs installed there, the plugins scaffolded into it. */
const app = join(root, "app");
const packs = join(root, "packs");

const npm = async (args: string[], cwd: string) => {
  const done = await run("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline"], cwd, env);
  if (done.code !== 0) throw new Error(`npm ${args.join(" ")} in ${cwd} failed:\n${done.stdout}${done.stderr}`);
  return done;
};
/** The installed CLI, as `npx admin-cli` in the folder would run it. */
const adminCli = (args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, [join(app, "node_modules/admin-cli/bin/admin-cli.js"), ...args], cwd, { ...env, ...extra });

let sdkTarball = "";

beforeAll(async () => {
  mkdirSync(packs);
  // `npm pack` runs each package's prepack, which builds its dist
  for (const dir of ["sdk", "cli"]) await npm(["pack", "--pack-destination", packs], join(REPO, dir));
  const tarballs = readdirSync(packs).sort();
  expect(tarballs).toEqual(["admin-cli-0.1.0.tgz", "digital-commerce-plugin-sdk-0.1.0.tgz"]);
  sdkTarball = join(packs, "digital-commerce-plugin-sdk-0.1.0.tgz");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), `${JSON.stringify({ name: "my-plugins", private: true }, null, 2)}\n`);
  await npm(["install", ...tarballs.map((t) => join(packs, t))], app);
}, 180_000);

describe("the packed SDK and CLI, installed outside the repository", () => {
  it("ship built JavaScript with type declarations, not the TypeScript source", () => {
    const installed = join(app, "node_modules", SDK);
    const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
    expect(pkg.exports["./build"]).toMatchObject({
      types: "./dist/build/index.d.ts",
      default: "./dist/build/index.js",
    });
    expect(readdirSync(installed).sort()).toEqual(["README.md", "dist", "package.json"]);
    expect(readdirSync(join(installed, "dist"))).toEqual(expect.arrayContaining(["index.js", "index.d.ts"]));
    const cli = JSON.parse(readFileSync(join(app, "node_modules/admin-cli/package.json"), "utf8"));
    expect(cli.private).toBeUndefined();
    expect(cli.dependencies[SDK]).toBe("^0.1.0");
  });

  it.each(pluginCategories)(
    "the %s template, scaffolded there, installs, passes its tests, validates, builds and publishes",
    async (category) => {
      const slug = `pkg-${category}-${Math.random().toString(36).slice(2, 8)}`;
      const dir = join(app, slug);
      const scaffolded = await adminCli(["scaffold", category, slug, "--dir", slug], app);
      expect(scaffolded.code, scaffolded.stderr).toBe(0);
      expect(scaffolded.stdout).toContain(`Its package.json depends on ${SDK} ^0.1.0.`);
      for (const step of [
        "npm install",
        "npm test",
        "admin-cli validate .",
        "admin-cli build .",
        "admin-cli publish .",
      ]) {
        expect(scaffolded.stdout).toContain(`  ${step}`);
      }
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      expect(pkg.dependencies).toEqual({ [SDK]: "^0.1.0" });

      // the SDK is not on the registry: its tarball stands in for the range the package.json names
      await npm(["install", sdkTarball], dir);
      const tested = await run("npm", ["test"], dir, env);
      expect(tested.code, tested.stdout + tested.stderr).toBe(0);
      expect(tested.stdout).toMatch(/ℹ fail 0/);
      expect(tested.stdout).not.toMatch(/ℹ pass 0\b/);

      const validated = await adminCli(["--json", "validate", "."], dir);
      expect(validated.code, validated.stdout + validated.stderr).toBe(0);
      expect(JSON.parse(validated.stdout)).toMatchObject({ ok: true, slug, version: "0.1.0", problems: [] });

      const built = await adminCli(["--json", "build", "."], dir);
      expect(built.code, built.stdout + built.stderr).toBe(0);
      const bundle = JSON.parse(built.stdout) as { hash: string };
      expect(bundle).toMatchObject({ slug, version: "0.1.0", hash: expect.stringMatching(/^[0-9a-f]{64}$/) });

      const { url, token } = inject("platform");
      const published = await adminCli(["--json", "publish", "."], dir, { ADMIN_CLI_URL: url, ADMIN_CLI_TOKEN: token });
      expect(published.code, published.stdout + published.stderr).toBe(0);
      expect(JSON.parse(published.stdout)).toMatchObject({ slug, version: "0.1.0", hash: bundle.hash, created: true });
    },
  );

  it("validate in a plugin folder without the SDK reports that one problem with its fix, exit 1", async () => {
    // beside the third party's folder, not in it: nothing above it has the SDK installed
    const elsewhere = join(root, "elsewhere");
    mkdirSync(elsewhere);
    const scaffolded = await adminCli(["scaffold", "payment", "stripe-gateway", "--dir", "stripe-gateway"], elsewhere);
    expect(scaffolded.code, scaffolded.stderr).toBe(0);
    const dir = join(elsewhere, "stripe-gateway");

    const human = await adminCli(["validate", "."], dir);
    expect(human.code).toBe(1);
    const problem = `cannot be loaded: Cannot find package '${SDK}'; run npm install in ${dir}`;
    expect(human.stdout.trim().split("\n")).toEqual([expect.stringMatching(/^✖ manifest\.ts: \d+:\d+: /)]);
    expect(human.stdout.trim().endsWith(problem)).toBe(true);
    expect(human.stderr).toContain(". has 1 problem.");

    const json = await adminCli(["--json", "validate", relative(elsewhere, dir)], elsewhere);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      error: {
        code: "INVALID_PLUGIN",
        details: {
          problems: [
            { file: "manifest.ts", message: expect.stringContaining(`run npm install in ${dir}`), severity: "error" },
          ],
        },
      },
    });
    expect(JSON.parse(json.stdout).error.details.problems).toHaveLength(1);
  });

  it("names the SDK to add when the folder's package.json does not depend on it", async () => {
    const dir = join(root, "bare");
    mkdirSync(dir);
    writeFileSync(
      join(dir, "manifest.ts"),
      `import { createPlugin } from "${SDK}";\nexport const manifest = createPlugin("Bare", "bare").build();\n`,
    );
    const run = await adminCli(["--json", "validate", "."], dir);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).error.details.problems).toEqual([
      {
        file: "manifest.ts",
        path: "1:30", // the import's string, where an editor shows it
        message: `cannot be loaded: Cannot find package '${SDK}'; install it in ${dir}: npm install ${SDK}`,
        severity: "error",
      },
    ]);
  });
});
