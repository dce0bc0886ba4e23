/**
 * admin-cli dev: rebuilds on every change (offline with --no-publish), publishes to the platform
 * the global setup started, bumps the version when asked; and what it publishes from a scaffold
 * installs, activates and runs its hook there with no edit.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { pluginCategories } from "@digital-commerce/plugin-sdk";
import { describe, expect, inject, it } from "vitest";
import { CLI } from "./run-cli.ts";
import { givenWorkspace, type Workspace } from "./workspace.ts";

const ws = givenWorkspace();
const unique = (base: string) => `${base}-${Math.random().toString(36).slice(2, 8)}`;

async function givenScaffolded(category: string, slug: string): Promise<string> {
  const run = await ws.cli(["scaffold", category, slug, "--dir", slug]);
  if (run.code !== 0) throw new Error(run.stderr);
  return slug;
}

interface DevEvent {
  event: string;
  hash?: string;
  problems?: { file: string }[];
}

/** `admin-cli --json dev ...` running in the background, its events read line by line. */
function startDev(workspace: Workspace, args: string[]) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [CLI, "--json", "dev", ...args], {
    cwd: workspace.dir,
    env: { ...process.env, ADMIN_CLI_CONFIG: workspace.path(".admin-cli.json"), ADMIN_CLI_TOKEN: undefined },
  });
  const events: DevEvent[] = [];
  const waiting: { test: (e: DevEvent) => boolean; resolve: (e: DevEvent) => void }[] = [];
  let buffer = "";
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  child.stdout.on("data", (d) => {
    buffer += d;
    for (let nl = buffer.indexOf("\n"); nl !== -1; nl = buffer.indexOf("\n")) {
      const event = JSON.parse(buffer.slice(0, nl)) as DevEvent;
      buffer = buffer.slice(nl + 1);
      events.push(event);
      for (const w of waiting.filter((w) => w.test(event))) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(event);
      }
    }
  });
  const exited = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
  return {
    events,
    /** The next event (from now on) that passes `test`. */
    next(test: (e: DevEvent) => boolean, timeoutMs = 30_000): Promise<DevEvent> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no such event; got ${JSON.stringify(events)} ${stderr}`)),
          timeoutMs,
        );
        waiting.push({
          test,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
    /** Ctrl-C, and the exit code. */
    async interrupt(): Promise<number> {
      child.kill("SIGINT");
      return await exited;
    },
  };
}

describe("admin-cli dev, offline", () => {
  it("rebuilds on every change, reports problems as they appear, and stops on Ctrl-C with exit 0", async () => {
    const dir = await givenScaffolded("utility", "watched");
    const endpoint = ws.path(dir, "src/api/status.ts");
    const original = readFileSync(endpoint, "utf8");
    const dev = startDev(ws, [dir, "--no-publish"]);
    const first = await dev.next((e) => e.event === "built");
    expect(dev.events[0]).toMatchObject({ event: "watching", dir: ws.path(dir) });

    writeFileSync(endpoint, original.replace("store: context.tenant.slug,", "store: context.tenant.name,"));
    const second = await dev.next((e) => e.event === "built");
    expect(second.hash).not.toBe(first.hash);

    writeFileSync(endpoint, "export default async function status( {\n");
    const invalid = await dev.next((e) => e.event === "invalid");
    expect(invalid.problems?.[0]?.file).toBe("src/api/status.ts");

    writeFileSync(endpoint, original);
    expect((await dev.next((e) => e.event === "built")).hash).toBe(first.hash);

    expect(await dev.interrupt()).toBe(0);
    expect(dev.events.at(-1)).toMatchObject({ event: "stopped" });
  });

  it("builds once with --once --no-publish and exits 0", async () => {
    const dir = await givenScaffolded("cms", "built-once");
    const run = await ws.cli(["--json", "dev", dir, "--once", "--no-publish"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ event: "built", slug: "built-once", version: "0.1.0" });
  });

  it("needs a token to publish, and says how to go without, exit 1", async () => {
    const run = await ws.cli(["--json", "dev", "watched", "--url", "http://127.0.0.1:9"]);
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({
      error: { code: "NOT_LOGGED_IN", message: expect.stringContaining("admin-cli dev watched --no-publish") },
    });
  });
});

describe("admin-cli dev, against the platform", () => {
  const { url, token } = inject("platform");
  const env = { ADMIN_CLI_URL: url, ADMIN_CLI_TOKEN: token };

  async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${url}/api/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer = (await res.json()) as T;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(answer)}`);
    return answer;
  }

  it("publishes once; the same again changes nothing; changed code needs a new version, which --bump makes", async () => {
    const slug = await givenScaffolded("payment", unique("dev-gateway"));
    const first = await ws.cli(["--json", "dev", slug, "--once"], { env });
    expect(first.code, first.stdout).toBe(0);
    expect(first.json()).toMatchObject({ event: "published", slug, version: "0.1.0", created: true });
    const again = await ws.cli(["--json", "dev", slug, "--once"], { env });
    expect(again.json()).toMatchObject({ event: "published", version: "0.1.0", created: false });

    const hook = ws.path(slug, "src/hooks/beforePaymentProcess.ts");
    writeFileSync(hook, readFileSync(hook, "utf8").replace("checked_by", "approved_by"));
    const refused = await ws.cli(["dev", slug, "--once"], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `${slug}@0.1.0 is already published with other content, and a published version never changes. Bump the version in manifest.ts, or run admin-cli dev with --bump.`,
    );

    const bumped = await ws.cli(["--json", "dev", slug, "--once", "--bump"], { env });
    expect(bumped.code, bumped.stdout).toBe(0);
    expect(bumped.json()).toMatchObject({ event: "published", version: "0.1.1", created: true, bumped_from: "0.1.0" });
    expect(readFileSync(ws.path(slug, "manifest.ts"), "utf8")).toContain('.version("0.1.1")');
  });

  it.each(pluginCategories)(
    "publishes a scaffolded %s plugin that installs and activates with no edit",
    async (category) => {
      const slug = await givenScaffolded(category, unique(`dev-${category}`));
      const published = await ws.cli(["--json", "dev", slug, "--once"], { env });
      expect(published.code, published.stdout).toBe(0);
      // the email plugin's API key is a required setting: activation needs it, as it would for any store
      const config = category === "email" ? { api_key: "key_test_123" } : {};
      await admin("POST", `/plugins/${slug}/install`, { config });
      const activated = await admin<{ plugin: { state: string } }>("POST", `/plugins/${slug}/activate`);
      expect(activated.plugin.state).toBe("active");
      await admin("DELETE", `/plugins/${slug}?cascade=true`).catch(() => undefined);
    },
  );

  it("runs the scaffolded hook on the platform: hooks run shows its step and what it returned", async () => {
    const slug = await givenScaffolded("utility", unique("dev-normalizer"));
    expect((await ws.cli(["dev", slug, "--once"], { env })).code).toBe(0);
    await admin("POST", `/plugins/${slug}/install`, { config: { sku_prefix: "DEV-" } });
    await admin("POST", `/plugins/${slug}/activate`);
    try {
      ws.write({
        "product.json": JSON.stringify({
          product: { title: "  tea   pot ", sku: "pot-1", price: 30, currency: "USD" },
        }),
      });
      const run = await ws.cli(["--json", "hooks", "run", "before_product_create", "--payload", "product.json"], {
        env,
      });
      expect(run.code, run.stdout).toBe(0);
      const answer = run.json<{ kind: string; steps: { plugin: string; outcome: string; output: unknown }[] }>();
      expect(answer.kind).toBe("before");
      expect(answer.steps.find((s) => s.plugin === slug)).toMatchObject({
        outcome: "transformed",
        output: { product: expect.objectContaining({ sku: "DEV-POT-1" }) },
      });
      const human = await ws.cli(["hooks", "run", "before_product_create", "--payload", "product.json"], { env });
      expect(human.stdout).toMatch(/before_product_create \(before\): \w+ in \d+ ms; nothing was committed\./);
      expect(human.stdout).toMatch(
        new RegExp(`${slug}\\s+0\\.1\\.0\\s+src/hooks/beforeProductCreate\\.ts\\s+100\\s+transformed`),
      );
    } finally {
      await admin("POST", `/plugins/${slug}/deactivate`);
      await admin("DELETE", `/plugins/${slug}`);
    }
  });
});
