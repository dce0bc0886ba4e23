/** admin-cli build: the bundle the platform runs, its identity printed, written as publish's body with --out. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { givenWorkspace } from "./workspace.ts";

const ws = givenWorkspace();

beforeAll(async () => {
  const run = await ws.cli(["scaffold", "analytics", "store-metrics", "--dir", "store-metrics"]);
  if (run.code !== 0) throw new Error(run.stderr);
});

describe("admin-cli build", () => {
  it("prints the slug, version, hash and size", async () => {
    const run = await ws.cli(["build", "store-metrics"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Built store-metrics@0.1.0 from store-metrics");
    expect(run.stdout).toMatch(/slug\s+version\s+hash\s+size/);
    expect(run.stdout).toMatch(/store-metrics\s+0\.1\.0\s+[0-9a-f]{64}\s+\d+\.\d KB/);
  });

  it("writes { manifest, code, hash } with --out, the hash being the code's SHA-256", async () => {
    const run = await ws.cli(["--json", "build", "store-metrics", "--out", "bundle.json"]);
    expect(run.code, run.stderr).toBe(0);
    const summary = run.json<{ slug: string; version: string; hash: string; bytes: number; out: string }>();
    expect(summary).toMatchObject({ slug: "store-metrics", version: "0.1.0", out: ws.path("bundle.json") });
    const bundle = JSON.parse(readFileSync(ws.path("bundle.json"), "utf8")) as {
      manifest: { slug: string; category: string };
      code: string;
      hash: string;
    };
    expect(bundle.manifest).toMatchObject({ slug: "store-metrics", category: "analytics" });
    expect(bundle.hash).toBe(summary.hash);
    expect(createHash("sha256").update(bundle.code).digest("hex")).toBe(bundle.hash);
    expect(new TextEncoder().encode(bundle.code).byteLength).toBe(summary.bytes);
  });

  it("builds the same bundle from the same folder", async () => {
    const first = (await ws.cli(["--json", "build", "store-metrics"])).json<{ hash: string }>();
    const second = (await ws.cli(["--json", "build", "store-metrics"])).json<{ hash: string }>();
    expect(second.hash).toBe(first.hash);
  });

  it("refuses a plugin with problems, listing them, exit 1", async () => {
    ws.write({
      "no-handler/manifest.ts": `import { createPlugin } from "@digital-commerce/plugin-sdk";
export const manifest = createPlugin("No Handler", "no-handler").hook("after_order_create", "src/gone.ts").build();
`,
    });
    const run = await ws.cli(["--json", "build", "no-handler", "--out", "never.json"]);
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({
      error: {
        code: "INVALID_PLUGIN",
        details: {
          problems: [{ file: "manifest.ts", path: "hooks.0.handler", message: "src/gone.ts does not exist" }],
        },
      },
    });
  });

  it.each([
    [["build", "nowhere"], /nowhere does not exist/],
    [["build", "."], /has no manifest\.ts, so it is not a plugin folder/],
  ])("refuses %j with exit 2", async (args, message) => {
    const run = await ws.cli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
