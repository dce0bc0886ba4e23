/**
 * admin-cli dev: rebuilds on every change (offline with --no-publish); against the platform the global
 * setup started, publishes each build as a dev prerelease (or with --bump, the manifest's version),
 * installs and activates the first on the demo tenant and upgrades it to each later one, so a scaffold's
 * hook fires on a real request, and a change to it on the next, with no other command.
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
  version?: string;
  installation?: { action: string };
}

/** `admin-cli --json dev ...` running in the background, its events read line by line. */
function startDev(workspace: Workspace, args: string[], env: NodeJS.ProcessEnv = {}) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [CLI, "--json", "dev", ...args], {
    cwd: workspace.dir,
    env: { ...process.env, ADMIN_CLI_CONFIG: workspace.path(".admin-cli.json"), ADMIN_CLI_TOKEN: undefined, ...env },
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

  const installation = async (slug: string) =>
    (await admin<{ installation: { version: string; state: string } | null }>("GET", `/plugins/${slug}`)).installation;

  // what dev installed on the shared demo tenant must not run in other tests' requests
  const uninstall = (slug: string) => admin("DELETE", `/plugins/${slug}?cascade=true`).catch(() => undefined);

  /** A product created through the commerce API, as a storefront would: the before hooks run on it. */
  async function createProduct(sku: string): Promise<{ title: string; sku: string }> {
    const res = await fetch(`${url}/api/commerce/products`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ title: "  tea   pot ", sku, price: 3000, currency: "USD" }),
    });
    const answer = (await res.json()) as { title: string; sku: string };
    if (res.status !== 201) throw new Error(`POST /products: ${res.status} ${JSON.stringify(answer)}`);
    return answer;
  }

  it("publishes each build as a dev prerelease and installs it: the same build again changes nothing, a changed one upgrades", async () => {
    const slug = await givenScaffolded("cms", unique("dev-cms"));
    try {
      const first = await ws.cli(["dev", slug, "--once"], { env });
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain(`published ${slug}@0.1.0-dev.1`);
      expect(first.stdout).toContain("a dev build of 0.1.0");
      expect(first.stdout).toContain(`installed ${slug}@0.1.0-dev.1`);
      expect(first.stdout).toContain(`${slug} is granted: network: cms.example.com; capabilities: http, cache, logger`);
      expect(first.stdout).toContain(`activated ${slug}`);
      expect(await installation(slug)).toMatchObject({ version: "0.1.0-dev.1", state: "active" });

      const again = await ws.cli(["--json", "dev", slug, "--once"], { env });
      expect(again.json()).toMatchObject({
        event: "published",
        version: "0.1.0-dev.1",
        created: false,
        installation: { action: "unchanged", version: "0.1.0-dev.1", state: "active" },
      });

      const hook = ws.path(slug, "src/hooks/beforeProductCreate.ts");
      writeFileSync(hook, readFileSync(hook, "utf8").replace("limit: 1,", "limit: 2,"));
      const changed = await ws.cli(["--json", "dev", slug, "--once"], { env });
      expect(changed.code, changed.stdout).toBe(0);
      expect(changed.json()).toMatchObject({
        version: "0.1.0-dev.2",
        created: true,
        dev_build_of: "0.1.0",
        installation: { action: "upgraded", from: "0.1.0-dev.1", to: "0.1.0-dev.2", state: "active" },
      });
      // the author's manifest is left alone
      expect(readFileSync(ws.path(slug, "manifest.ts"), "utf8")).toContain('.version("0.1.0")');

      // once 0.1.0 itself is published, dev builds are prereleases of the next patch, above it
      expect((await ws.cli(["publish", slug], { env })).code).toBe(0);
      const next = await ws.cli(["--json", "dev", slug, "--once"], { env });
      expect(next.json()).toMatchObject({
        version: "0.1.1-dev.1",
        installation: { action: "upgraded", from: "0.1.0-dev.2", to: "0.1.1-dev.1" },
      });
    } finally {
      await uninstall(slug);
    }
  });

  it("with --bump publishes the manifest's own version, bumping it in manifest.ts; --no-install leaves the tenant alone", async () => {
    const slug = await givenScaffolded("payment", unique("dev-gateway"));
    const first = await ws.cli(["--json", "dev", slug, "--once", "--bump", "--no-install"], { env });
    expect(first.code, first.stdout).toBe(0);
    expect(first.json()).toMatchObject({ event: "published", slug, version: "0.1.0", created: true });
    expect(first.json()).not.toHaveProperty("installation");

    const hook = ws.path(slug, "src/hooks/beforePaymentProcess.ts");
    writeFileSync(hook, readFileSync(hook, "utf8").replace("checked_by", "approved_by"));
    const bumped = await ws.cli(["--json", "dev", slug, "--once", "--bump", "--no-install"], { env });
    expect(bumped.code, bumped.stdout).toBe(0);
    expect(bumped.json()).toMatchObject({ event: "published", version: "0.1.1", created: true, bumped_from: "0.1.0" });
    expect(readFileSync(ws.path(slug, "manifest.ts"), "utf8")).toContain('.version("0.1.1")');
    expect(await installation(slug)).toBeNull();
  });

  it.each(pluginCategories)("installs and activates a scaffolded %s plugin with no other command", async (category) => {
    const slug = await givenScaffolded(category, unique(`dev-${category}`));
    try {
      // the email plugin's API key is a required setting: activation needs it, as it would for any store
      const settings = category === "email" ? ["--set", "api_key=key_test_123"] : [];
      const run = await ws.cli(["--json", "dev", slug, "--once", ...settings], { env });
      expect(run.code, run.stdout).toBe(0);
      expect(run.json()).toMatchObject({
        event: "published",
        installation: { action: "installed", state: "active", activated: expect.arrayContaining([slug]) },
      });
    } finally {
      await uninstall(slug);
    }
  });

  it("says why a build is installed but not active (exit 1 with --once), and activates it once given the setting", async () => {
    const slug = await givenScaffolded("email", unique("dev-email"));
    try {
      const run = await ws.cli(["dev", slug, "--once"], { env });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`installed ${slug}@0.1.0-dev.1`);
      expect(run.stderr).toContain(`${slug}@0.1.0-dev.1 is installed, not active: ${slug} needs config.api_key`);
      expect(run.stderr).toContain("The next build activates it");
      expect(await installation(slug)).toMatchObject({ state: "installed" });
      const again = await ws.cli(["--json", "dev", slug, "--once", "--set", "api_key=key_test_123"], { env });
      expect(again.code, again.stdout).toBe(0);
      expect(again.json()).toMatchObject({
        installation: { action: "unchanged", state: "active", activated: [slug] },
      });
    } finally {
      await uninstall(slug);
    }
  });

  it("scaffold, then dev: the hook fires on a real request; a change is live on the next one, through an upgrade", async () => {
    const slug = await givenScaffolded("utility", unique("dev-live"));
    const dev = startDev(ws, [slug, "--set", "sku_prefix=DEV-"], env);
    try {
      const first = await dev.next((e) => e.event === "published", 60_000);
      expect(first).toMatchObject({
        version: "0.1.0-dev.1",
        installation: { action: "installed", state: "active", activated: expect.arrayContaining([slug]) },
      });
      const sku = unique("pot");
      expect(await createProduct(sku)).toMatchObject({ title: "tea pot", sku: `DEV-${sku.toUpperCase()}` });

      const hook = ws.path(slug, "src/hooks/beforeProductCreate.ts");
      const source = readFileSync(hook, "utf8");
      const marked = source.replace(
        "data.product.sku?.trim().toUpperCase()",
        'data.product.sku?.trim().toUpperCase().concat("-V2")',
      );
      expect(marked).not.toBe(source);
      writeFileSync(hook, marked);
      const second = await dev.next((e) => e.event === "published", 60_000);
      expect(second).toMatchObject({
        version: "0.1.0-dev.2",
        installation: { action: "upgraded", from: "0.1.0-dev.1", to: "0.1.0-dev.2", state: "active" },
      });
      const next = unique("pot");
      expect(await createProduct(next)).toMatchObject({ sku: `DEV-${next.toUpperCase()}-V2` });
      expect(await dev.interrupt()).toBe(0);

      // a build asking for more: dev approves it for its tenant, saying so
      const manifest = ws.path(slug, "manifest.ts");
      writeFileSync(
        manifest,
        readFileSync(manifest, "utf8").replace(
          "  .build();",
          '  .permission({ capabilities: ["logger"] })\n  .build();',
        ),
      );
      const third = await ws.cli(["dev", slug, "--once"], { env });
      expect(third.code, third.stderr).toBe(0);
      expect(third.stdout).toContain(`upgraded ${slug} 0.1.0-dev.2 → 0.1.0-dev.3; it is active`);
      expect(third.stdout).toContain("Permissions approved: + capability logger");
      expect(await installation(slug)).toMatchObject({ version: "0.1.0-dev.3", state: "active" });
    } finally {
      await dev.interrupt();
      await uninstall(slug);
    }
  });

  it("runs the scaffolded hook on the platform: hooks run shows its step and what it returned", async () => {
    const slug = await givenScaffolded("utility", unique("dev-normalizer"));
    try {
      expect((await ws.cli(["dev", slug, "--once", "--set", "sku_prefix=DEV-"], { env })).code).toBe(0);
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
        new RegExp(`${slug}\\s+0\\.1\\.0-dev\\.1\\s+src/hooks/beforeProductCreate\\.ts\\s+100\\s+transformed`),
      );
    } finally {
      await uninstall(slug);
    }
  });
});
