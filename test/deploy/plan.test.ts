/**
 * npm run deploy's plan, from the checked-in wrangler configs and what an account has: what is created,
 * what is reused, in what order, where each secret comes from, and the generated deploy configs.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  readWorkerConfig,
  renderDeployConfig,
  type WorkerConfig,
  workerConfigOf,
} from "../../scripts/lib/deploy/config.ts";
import { DeployError } from "../../scripts/lib/deploy/errors.ts";
import { type Account, EMPTY_ACCOUNT, planDeploy, type Step } from "../../scripts/lib/deploy/plan.ts";
import { parseDeployArgs } from "../../scripts/lib/deploy/run.ts";
import { DEPLOY_SECRETS } from "../../scripts/lib/deploy/secrets.ts";

const root = resolve(import.meta.dirname, "../..");
const outDir = join(root, ".wrangler", "deploy");
const KEY = "CONFIG_ENCRYPTION_KEY";

let workers: WorkerConfig[];
beforeAll(async () => {
  workers = [
    await readWorkerConfig(join(root, "wrangler.toml")),
    await readWorkerConfig(join(root, "consumers/wrangler.toml")),
  ];
});

/** Each step in one short line, as the assertions read it. */
function summary(step: Step): string {
  switch (step.kind) {
    case "d1":
    case "r2":
    case "queue":
      return `${step.action} ${step.kind} ${step.name}`;
    case "kv":
      return `${step.action} kv ${step.title}`;
    case "build-assets":
      return `build ${step.directory.slice(root.length + 1)}`;
    case "write-config":
      return `write ${step.to.slice(root.length + 1)}`;
    case "migrations":
      return `migrate ${step.database}`;
    case "deploy":
      return `deploy ${step.worker}`;
    case "secret":
      return `secret ${step.name} on ${step.worker}: ${step.source}`;
  }
}

const QUEUES = [
  "hook-events",
  "webhook-deliveries",
  "analytics-events",
  "hook-events-bulk",
  "hook-events-dlq",
  "webhook-deliveries-dlq",
  "analytics-events-dlq",
];

/** An account holding everything both configs name, both Workers deployed with the key. */
function givenFullAccount(): Account {
  return {
    d1Databases: [
      { name: "other-app", uuid: "11111111-1111-4111-8111-111111111111" },
      { name: "commerce", uuid: "2b8e5f0c-93aa-4c55-9d3e-7c1f0a6b4d21" },
    ],
    kvNamespaces: [{ title: "commerce-api-cache", id: "a3f1c9e27b4d4f0e8c6a5b2d1e0f9a87" }],
    r2Buckets: ["plugin-bundles", "plugin-storage", "unrelated-bucket"],
    queues: [...QUEUES, "someone-elses-queue"],
    secrets: { "commerce-api": [KEY], "commerce-consumers": [KEY] },
  };
}

const plan = (account: Account, given: Record<string, string | undefined> = {}) =>
  planDeploy({ workers, account, given, outDir });

describe("npm run deploy's plan", () => {
  it("on an empty account creates every resource, then builds, writes the configs, migrates, and deploys the API before the consumers", () => {
    const { workers: order, steps } = plan(EMPTY_ACCOUNT);
    expect(order).toEqual(["commerce-api", "commerce-consumers"]);
    expect(steps.map(summary)).toEqual([
      "create d1 commerce",
      "create kv commerce-api-cache",
      "create r2 plugin-bundles",
      "create r2 plugin-storage",
      ...QUEUES.map((q) => `create queue ${q}`),
      "build api/dashboard/dist",
      "write .wrangler/deploy/commerce-api.json",
      "write .wrangler/deploy/commerce-consumers.json",
      "migrate commerce",
      "deploy commerce-api",
      `secret ${KEY} on commerce-api: generated`,
      "deploy commerce-consumers",
      `secret ${KEY} on commerce-consumers: generated`,
    ]);
  });

  it("names why each resource exists: the bindings of both Workers, the consumer and the dead-letter queue", () => {
    const steps = plan(EMPTY_ACCOUNT).steps;
    expect(steps.find((s) => s.kind === "kv")).toMatchObject({
      usedBy: ["commerce-api.CACHE", "commerce-consumers.CACHE"],
    });
    expect(steps.find((s) => s.kind === "queue" && s.name === "hook-events-dlq")).toMatchObject({
      usedBy: [
        "commerce-consumers.HOOK_EVENTS_DLQ",
        "consumed by commerce-consumers",
        "dead letters of hook-events",
        "dead letters of hook-events-bulk",
      ],
    });
  });

  it("on an account that has everything reuses it all, creates nothing and keeps the encryption key", () => {
    const steps = plan(givenFullAccount()).steps;
    expect(steps.filter((s) => "action" in s && s.action === "create")).toEqual([]);
    expect(steps.filter((s) => "action" in s).map(summary)).toEqual([
      "reuse d1 commerce",
      "reuse kv commerce-api-cache",
      "reuse r2 plugin-bundles",
      "reuse r2 plugin-storage",
      ...QUEUES.map((q) => `reuse queue ${q}`),
    ]);
    expect(steps.find((s) => s.kind === "d1")).toMatchObject({ id: "2b8e5f0c-93aa-4c55-9d3e-7c1f0a6b4d21" });
    expect(steps.find((s) => s.kind === "kv")).toMatchObject({ id: "a3f1c9e27b4d4f0e8c6a5b2d1e0f9a87" });
    expect(steps.filter((s) => s.kind === "secret").map(summary)).toEqual([
      `secret ${KEY} on commerce-api: kept`,
      `secret ${KEY} on commerce-consumers: kept`,
    ]);
  });

  it("on an account that has part of it creates only what is missing", () => {
    const account: Account = {
      ...EMPTY_ACCOUNT,
      d1Databases: [{ name: "commerce", uuid: "2b8e5f0c-93aa-4c55-9d3e-7c1f0a6b4d21" }],
      r2Buckets: ["plugin-bundles"],
      queues: ["hook-events", "webhook-deliveries", "analytics-events"],
    };
    const steps = plan(account).steps.filter((s) => "action" in s);
    expect(steps.filter((s) => "action" in s && s.action === "create").map(summary)).toEqual([
      "create kv commerce-api-cache",
      "create r2 plugin-storage",
      "create queue hook-events-bulk",
      "create queue hook-events-dlq",
      "create queue webhook-deliveries-dlq",
      "create queue analytics-events-dlq",
    ]);
    expect(steps.filter((s) => "action" in s && s.action === "reuse").map(summary)).toEqual([
      "reuse d1 commerce",
      "reuse r2 plugin-bundles",
      "reuse queue hook-events",
      "reuse queue webhook-deliveries",
      "reuse queue analytics-events",
    ]);
  });

  it("deploys the Worker whose Durable Objects the other binds first, whatever order the configs come in", () => {
    const reversed = planDeploy({ workers: [...workers].reverse(), account: EMPTY_ACCOUNT, given: {}, outDir });
    expect(reversed.workers).toEqual(["commerce-api", "commerce-consumers"]);
  });

  it("refuses Workers that bind each other's Durable Objects, naming the circle", () => {
    const a = workerConfigOf("/x/a.toml", {
      name: "a",
      durable_objects: { bindings: [{ name: "B", class_name: "B", script_name: "b" }] },
    });
    const b = workerConfigOf("/x/b.toml", { name: "b", services: [{ binding: "A", service: "a" }] });
    const attempt = () => planDeploy({ workers: [a, b], account: EMPTY_ACCOUNT, given: {}, outDir });
    expect(attempt).toThrow(DeployError);
    expect(attempt).toThrow("a -> b -> a");
  });
});

describe("npm run deploy's secrets", () => {
  it("sets a key given in the environment on both Workers, even where one is set", () => {
    const given = { [KEY]: Buffer.alloc(32, 7).toString("base64") };
    const steps = plan(givenFullAccount(), given).steps.filter((s) => s.kind === "secret");
    expect(steps.map(summary)).toEqual([
      `secret ${KEY} on commerce-api: environment`,
      `secret ${KEY} on commerce-consumers: environment`,
    ]);
    expect(JSON.stringify(steps)).not.toContain(given[KEY]);
  });

  it.each([
    ["not base64", "not a key!", "must be base64"],
    [
      "16 bytes",
      Buffer.alloc(16, 1).toString("base64"),
      "must be 32 random bytes, base64-encoded; it decodes to 16 bytes",
    ],
    ["empty", "", "must be base64"],
  ])("refuses a given key that is %s, naming the variable", (_, value, reason) => {
    const attempt = () => plan(EMPTY_ACCOUNT, { [KEY]: value });
    expect(attempt).toThrow(expect.objectContaining({ code: "SECRET_INVALID" }));
    expect(attempt).toThrow(`${KEY} (from the environment) ${reason}`);
  });

  it("refuses to generate a key when one Worker has it and the other not, since it cannot be read back", () => {
    const account = { ...givenFullAccount(), secrets: { "commerce-api": [KEY] } };
    const attempt = () => plan(account);
    expect(attempt).toThrow(expect.objectContaining({ code: "SECRET_PARTIAL" }));
    expect(attempt).toThrow(`${KEY} is set on commerce-api but not on commerce-consumers`);
  });

  it("covers every required string the Workers' env types read that no wrangler config sets", () => {
    const vars = new Set(workers.flatMap((w) => Object.keys((w.raw.vars as Record<string, unknown>) ?? {})));
    const required = ["api/src/env.ts", "consumers/src/env.ts"].flatMap((file) =>
      [...readFileSync(join(root, file), "utf8").matchAll(/^\s+([A-Z][A-Z0-9_]*): string;$/gm)].map((m) => m[1]),
    );
    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((name) => !vars.has(name as string))).toEqual(DEPLOY_SECRETS.map((s) => s.name));
  });
});

describe("the generated deploy configs", () => {
  const ids = {
    d1: { commerce: "2b8e5f0c-93aa-4c55-9d3e-7c1f0a6b4d21" },
    kv: { "00000000000000000000000000000002": "a3f1c9e27b4d4f0e8c6a5b2d1e0f9a87" },
  };

  it("carry the account's ids, and paths that reach the same files from their own folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "dcp-deploy-config-"));
    for (const worker of workers) {
      const out = join(dir, "nested", `${worker.config.name}.json`);
      const config = renderDeployConfig(worker, ids, out) as {
        main: string;
        d1_databases: { database_id: string; migrations_dir: string }[];
        kv_namespaces: { id: string }[];
        assets?: { directory: string };
      };
      const from = (p: string) => resolve(dir, "nested", p);
      expect(from(config.main)).toBe(resolve(worker.file, "..", worker.config.main as string));
      expect(existsSync(from(config.main))).toBe(true);
      expect(config.d1_databases).toMatchObject([{ database_id: ids.d1.commerce }]);
      expect(from(config.d1_databases[0]?.migrations_dir as string)).toBe(join(root, "migrations"));
      expect(config.kv_namespaces).toMatchObject([{ id: ids.kv["00000000000000000000000000000002"] }]);
      if (config.assets) expect(from(config.assets.directory)).toBe(join(root, "api/dashboard/dist"));
    }
  });

  it("leave the checked-in wrangler configs and what was read from them as they were", () => {
    const digest = (f: string) =>
      createHash("sha256")
        .update(readFileSync(join(root, f)))
        .digest("hex");
    const before = [digest("wrangler.toml"), digest("consumers/wrangler.toml")];
    const raw = JSON.stringify(workers.map((w) => w.raw));
    for (const worker of workers) renderDeployConfig(worker, ids, join(outDir, `${worker.config.name}.json`));
    expect([digest("wrangler.toml"), digest("consumers/wrangler.toml")]).toEqual(before);
    expect(JSON.stringify(workers.map((w) => w.raw))).toBe(raw);
  });

  it.each([
    ["a KV namespace without its id", { name: "w", kv_namespaces: [{ binding: "CACHE" }] }, "kv_namespaces.0.id"],
    ["a Worker without a name", { main: "src/index.ts" }, "name"],
    ["a D1 database without a name", { name: "w", d1_databases: [{ binding: "DB" }] }, "d1_databases.0.database_name"],
  ])("refuses %s, naming the field", (_, raw, field) => {
    const attempt = () => workerConfigOf("/x/wrangler.toml", raw);
    expect(attempt).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
    expect(attempt).toThrow(`/x/wrangler.toml: ${field}:`);
  });

  it("refuses environments, which the generated config would drop", () => {
    expect(() => workerConfigOf("/x/wrangler.toml", { name: "w", env: { staging: {} } })).toThrow(
      expect.objectContaining({ code: "CONFIG_UNSUPPORTED", message: expect.stringContaining("env") }),
    );
  });
});

describe("npm run deploy's arguments", () => {
  it("refuses an argument it does not know, by name", () => {
    expect(() => parseDeployArgs(["--dryrun"])).toThrow("unknown argument --dryrun");
  });

  it("takes --lookup only with --dry-run", () => {
    expect(parseDeployArgs(["--dry-run", "--lookup"])).toEqual({ dryRun: true, lookup: true, help: false });
    expect(() => parseDeployArgs(["--lookup"])).toThrow("--lookup goes with --dry-run");
  });
});
