/**
 * Following a real request from the terminal: its trace (before hooks, events, deliveries, attempts),
 * a delivery that fails into the dead letters, its replay once the plugin is fixed, and a purge.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, eventually, givenLoggedIn, givenPluginFolder, type LoggedIn, uniqueSlug } from "./operations.ts";

let me: LoggedIn;
const slug = uniqueSlug("cli-breakable");

/** Leaves products alone before they are created; after, fails while its mode setting is "fail". */
const breakable = () =>
  givenPluginFolder({
    "manifest.ts": `import { createPlugin } from "@digital-commerce/plugin-sdk";
export const manifest = createPlugin("Breakable", ${JSON.stringify(slug)})
  .version("1.0.0")
  .description("Fails its after hook while mode is fail")
  .hook("before_product_create", "src/look.ts", 90)
  .hook("after_product_create", "src/after.ts", 100, { max_attempts: 1 })
  .setting("mode", { type: "string", label: "Mode", enum: ["ok", "fail"], default: "ok" })
  .build();
`,
    "src/look.ts": "export default async function look() {}\n",
    "src/after.ts": `import type { HookHandler } from "@digital-commerce/plugin-sdk";
const after: HookHandler<unknown> = async (context) => {
  if (context.plugin.config.mode === "fail") throw new Error("breakable is configured to fail");
};
export default after;
`,
  });

interface Letter {
  id: string;
  event_id: string;
  replayed_at: string | null;
}

async function createProduct(title: string): Promise<string> {
  const res = await api("POST", "/api/commerce/products", { title, price: 10, currency: "USD" });
  expect(res.status).toBe(201);
  const trace = res.headers.get("x-trace-id");
  if (!trace) throw new Error("no x-trace-id");
  return trace;
}

async function openLetters(): Promise<Letter[]> {
  const run = await me.cli(["--json", "dlq", "list", "--plugin", slug]);
  return run.json<{ dead_letters: Letter[] }>().dead_letters;
}

beforeAll(async () => {
  me = await givenLoggedIn();
  expect((await me.cli(["publish", breakable()])).code).toBe(0);
  expect((await me.cli(["install", slug, "--set", "mode=fail", "--yes"])).code).toBe(0);
  expect((await me.cli(["activate", slug, "--yes"])).code).toBe(0);
});

describe("admin-cli trace and dlq", () => {
  let traceId: string;
  let letter: Letter;

  it("lists the dead letter of a delivery that spent its one attempt", async () => {
    traceId = await createProduct("Kettle");
    [letter] = (await eventually(async () => {
      const letters = await openLetters();
      return letters.length > 0 ? letters : undefined;
    })) as [Letter];
    const run = await me.cli(["dlq", "list", "--plugin", slug]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${letter.id}\n  ${slug} · after_product_create · 1 attempt · dead since `);
    expect(run.stdout).toContain("breakable is configured to fail");
  });

  it("traces the request: the before hook's step, then the event's delivery with its failed attempt", async () => {
    const run = await me.cli(["trace", traceId]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Trace ${traceId}`);
    expect(run.stdout).toMatch(/before_product_create\s+completed/);
    expect(run.stdout).toMatch(new RegExp(`90\\s+${slug}@1\\.0\\.0 src/look\\.ts\\s+unchanged`));
    expect(run.stdout).toMatch(new RegExp(`→ ${slug}\\s+dead\\s+attempts 1/1`));
    expect(run.stdout).toMatch(/#1 .+ failed .+ breakable is configured to fail/);
    const json = (await me.cli(["--json", "trace", traceId])).json<{
      before_hooks: unknown[];
      events: { id: string; hook: string }[];
    }>();
    expect(json.before_hooks).toEqual(
      expect.arrayContaining([expect.objectContaining({ hook: "before_product_create" })]),
    );
    // an event id traces that event alone
    const event = await me.cli(["trace", letter.event_id]);
    expect(event.code).toBe(0);
    expect(event.stdout).toContain(`Event ${letter.event_id}`);
    expect(event.stdout).toContain(`(trace ${traceId})`);
  });

  it("shows the failure in the plugin's health", async () => {
    const run = await me.cli(["--json", "health", slug]);
    expect(run.json()).toMatchObject({ state: "active", calls: { errors: expect.any(Number) } });
  });

  it("replays the dead letter once the plugin is fixed, and the delivery succeeds", async () => {
    expect((await me.cli(["config", "set", slug, "mode=ok"])).code).toBe(0);
    const run = await me.cli(["dlq", "replay", letter.id]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Replayed 1 dead letter: ${letter.id}`);
    await eventually(async () => {
      const trace = await me.cli(["trace", letter.event_id]);
      return new RegExp(`→ ${slug}\\s+succeeded`).test(trace.stdout) ? trace : undefined;
    });
    const trace = await me.cli(["trace", letter.event_id]);
    expect(trace.stdout).toMatch(new RegExp(`→ ${slug}\\s+succeeded\\s+attempts 2 \\(replayed; 1 a run\\)`));
    expect(trace.stdout).toMatch(/#2 .+ succeeded/);
    expect(await openLetters()).toEqual([]);
    const all = await me.cli(["--json", "dlq", "list", "--plugin", slug, "--all"]);
    expect(all.json<{ dead_letters: Letter[] }>().dead_letters).toEqual([
      expect.objectContaining({ id: letter.id, replayed_at: expect.any(String) }),
    ]);
  });

  it("replays nothing when a plugin has no open letters, and refuses an ambiguous target (exit 2)", async () => {
    const none = await me.cli(["--json", "dlq", "replay", "--plugin", slug]);
    expect(none.code).toBe(0);
    expect(none.json()).toEqual({ replayed: [], skipped: [] });
    expect((await me.cli(["dlq", "replay"])).code).toBe(2);
    expect((await me.cli(["dlq", "replay", letter.id, "--plugin", slug])).code).toBe(2);
    const gone = await me.cli(["--json", "dlq", "replay", letter.id]);
    expect(gone.code).toBe(1);
    expect(gone.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });

  it("purges a plugin's dead letters after showing them, and asks first", async () => {
    expect((await me.cli(["config", "set", slug, "mode=fail"])).code).toBe(0);
    await createProduct("Teapot");
    const [fresh] = (await eventually(async () => {
      const letters = await openLetters();
      return letters.length > 0 ? letters : undefined;
    })) as [Letter];
    const asked = await me.cli(["dlq", "purge", fresh.id]);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toContain("pass --yes");
    const run = await me.cli(["dlq", "purge", "--plugin", slug, "--yes"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Plan: purge 1 open dead letter");
    expect(run.stdout).toContain("Purged 1 dead letter.");
    expect(await openLetters()).toEqual([]);
    const missing = await me.cli(["--json", "dlq", "purge", fresh.id, "--yes"]);
    expect(missing.code).toBe(1);
  });
});
