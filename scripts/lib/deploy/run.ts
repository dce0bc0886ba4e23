/**
 * `npm run deploy` carried out: looks the Cloudflare account up with wrangler's list commands, plans
 * (plan.ts), prints the plan, then runs each step with wrangler and says what it did. With --dry-run it
 * contacts nothing (unless --lookup) and only bundles both Workers and checks their sizes.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildDashboard } from "../dashboard.mjs";
import { wranglerSync } from "../wrangler.mjs";
import { bundleSizeProblems, bundleWorker, describeBundleSize, measureBundle } from "./bundle.ts";
import { type ResourceIds, readWorkerConfig, renderDeployConfig, type WorkerConfig } from "./config.ts";
import { DeployError } from "./errors.ts";
import { type Account, type DeployPlan, describeStep, EMPTY_ACCOUNT, planDeploy, type Step } from "./plan.ts";
import { DEPLOY_SECRETS } from "./secrets.ts";
import { parseD1List, parseKvList, parseQueuesTable, parseR2BucketList, parseSecretList } from "./wrangler-output.ts";

export const USAGE = `Usage: npm run deploy [-- --dry-run [--lookup]]

Creates or reuses the D1 database, KV namespace, R2 buckets and queues that wrangler.toml and
consumers/wrangler.toml name, applies the D1 migrations remotely, deploys the API Worker and then the
consumer Worker, and sets their secrets. Run it again at any time: what exists is reused.

  --dry-run   print the plan and bundle both Workers (wrangler deploy --dry-run), checking their sizes;
              nothing on Cloudflare is looked up or changed
  --lookup    with --dry-run: plan against the account (read-only list commands) instead of an empty one

Environment: CONFIG_ENCRYPTION_KEY (base64 of 32 bytes) to set that key; without it an existing key is kept
and a new one generated for a first deploy. CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID as wrangler reads them.`;

export interface DeployArgs {
  dryRun: boolean;
  lookup: boolean;
  help: boolean;
}

/** The command line; an argument it does not know is refused by name. */
export function parseDeployArgs(argv: string[]): DeployArgs {
  const args = { dryRun: false, lookup: false, help: false };
  for (const arg of argv) {
    if (arg === "--dry-run") args.dryRun = true;
    else if (arg === "--lookup") args.lookup = true;
    else if (arg === "--help" || arg === "-h") args.help = true;
    else throw new DeployError("USAGE", `unknown argument ${arg}\n\n${USAGE}`);
  }
  if (args.lookup && !args.dryRun) {
    throw new DeployError("USAGE", `--lookup goes with --dry-run (a deploy always looks the account up)\n\n${USAGE}`);
  }
  return args;
}

const CONFIGS = ["wrangler.toml", "consumers/wrangler.toml"];

/** The repository's root, ending in "/". */
const root = new URL("../../../", import.meta.url).pathname;
const OUT_DIR = join(root, ".wrangler", "deploy");

const say = (line: string) => console.log(line);

/** What exists, through wrangler's list commands (read-only). */
function lookupAccount(workers: WorkerConfig[]): Account {
  const queues: string[] = [];
  // `queues list` pages; an empty page, or one with nothing new, is the end
  for (let page = 1; page <= 100; page++) {
    const names = parseQueuesTable(wranglerSync(["queues", "list", "--page", String(page)]));
    const fresh = names.filter((n) => !queues.includes(n));
    if (fresh.length === 0) break;
    queues.push(...fresh);
  }
  const secrets: Record<string, string[]> = {};
  for (const { config } of workers) {
    try {
      secrets[config.name] = parseSecretList(wranglerSync(["secret", "list", "--name", config.name]));
    } catch (error) {
      // a Worker not deployed yet has no secrets; anything else is a real failure
      if (!(error instanceof Error && /Worker "[^"]+".* not found/.test(error.message))) throw error;
    }
  }
  return {
    d1Databases: parseD1List(wranglerSync(["d1", "list", "--json"])),
    kvNamespaces: parseKvList(wranglerSync(["kv", "namespace", "list"])),
    r2Buckets: parseR2BucketList(wranglerSync(["r2", "bucket", "list"])),
    queues,
    secrets,
  };
}

function printPlan(plan: DeployPlan, header: string) {
  say(header);
  plan.steps.forEach((step, i) => {
    say(`  ${String(i + 1).padStart(2)}. ${describeStep(step, root)}`);
  });
  say("");
}

/** The ids a config gets in a dry run: the account's where it has them, the checked-in placeholders otherwise. */
function dryRunIds(plan: DeployPlan, workers: WorkerConfig[]): ResourceIds {
  const ids: ResourceIds = { d1: {}, kv: {} };
  for (const { config } of workers) {
    for (const db of config.d1_databases)
      ids.d1[db.database_name] ??= db.database_id ?? "00000000-0000-0000-0000-000000000000";
    for (const ns of config.kv_namespaces) ids.kv[ns.id] ??= ns.id;
  }
  for (const step of plan.steps) {
    if (step.kind === "d1" && step.id) ids.d1[step.name] = step.id;
    if (step.kind === "kv" && step.id) ids.kv[step.placeholder] = step.id;
  }
  return ids;
}

/** Bundles every Worker from its generated config and checks the sizes; returns the problems. */
function bundleAll(plan: DeployPlan, workers: WorkerConfig[]): string[] {
  const ids = dryRunIds(plan, workers);
  const dir = join(OUT_DIR, "dry-run");
  mkdirSync(dir, { recursive: true });
  for (const step of plan.steps) {
    if (step.kind === "build-assets" && !existsSync(join(step.directory, "index.html"))) {
      say(runStep(step, undefined, ids));
    }
  }
  const problems: string[] = [];
  for (const name of plan.workers) {
    const worker = workers.find((w) => w.config.name === name) as WorkerConfig;
    const config = join(dir, `${name}.json`);
    writeFileSync(config, `${JSON.stringify(renderDeployConfig(worker, ids, config), null, 2)}\n`);
    const bundleDir = join(dir, name);
    bundleWorker(config, bundleDir);
    const size = measureBundle(bundleDir);
    say(`bundled ${describeBundleSize(name, size)}; in ${bundleDir.slice(root.length)}/`);
    problems.push(...bundleSizeProblems(name, size));
  }
  return problems;
}

/** The secrets' values, each generated once and shared by every Worker; never printed. */
const secretValues = new Map<string, string>();
function secretValue(name: string, source: "environment" | "generated"): string {
  if (source === "environment") return process.env[name] as string;
  let value = secretValues.get(name);
  if (!value) {
    const secret = DEPLOY_SECRETS.find((s) => s.name === name);
    if (!secret) throw new Error(`no generator for secret ${name}`);
    value = secret.generate();
    secretValues.set(name, value);
  }
  return value;
}

/** Carries out one step and returns what it did. `workers` is needed by write-config. */
function runStep(step: Step, workers: WorkerConfig[] | undefined, ids: ResourceIds): string {
  const did = (action: "create" | "reuse") => (action === "create" ? "created" : "reusing");
  switch (step.kind) {
    case "d1": {
      if (step.action === "create") wranglerSync(["d1", "create", step.name, "--update-config=false"]);
      const id = step.id ?? parseD1List(wranglerSync(["d1", "list", "--json"])).find((d) => d.name === step.name)?.uuid;
      if (!id) throw new Error(`D1 database ${step.name} was created but \`wrangler d1 list\` does not show it`);
      ids.d1[step.name] = id;
      return `${did(step.action)} D1 database ${step.name}: ${id}`;
    }
    case "kv": {
      if (step.action === "create") wranglerSync(["kv", "namespace", "create", step.title, "--update-config=false"]);
      const id =
        step.id ?? parseKvList(wranglerSync(["kv", "namespace", "list"])).find((n) => n.title === step.title)?.id;
      if (!id) {
        throw new Error(`KV namespace ${step.title} was created but \`wrangler kv namespace list\` does not show it`);
      }
      ids.kv[step.placeholder] = id;
      return `${did(step.action)} KV namespace ${step.title}: ${id}`;
    }
    case "r2":
      if (step.action === "create") wranglerSync(["r2", "bucket", "create", step.name, "--update-config=false"]);
      return `${did(step.action)} R2 bucket ${step.name}`;
    case "queue":
      if (step.action === "create") wranglerSync(["queues", "create", step.name]);
      return `${did(step.action)} queue ${step.name}`;
    case "build-assets":
      // the only Worker with assets is the API, serving the operator dashboard's build
      if (!step.directory.endsWith("api/dashboard/dist")) throw new Error(`no build known for ${step.directory}`);
      buildDashboard({ quiet: true });
      return `built the dashboard into ${step.directory.slice(root.length)}`;
    case "write-config": {
      const worker = workers?.find((w) => w.config.name === step.worker);
      if (!worker) throw new Error(`no config read for ${step.worker}`);
      mkdirSync(OUT_DIR, { recursive: true });
      writeFileSync(step.to, `${JSON.stringify(renderDeployConfig(worker, ids, step.to), null, 2)}\n`);
      return `wrote ${step.to.slice(root.length)}`;
    }
    case "migrations":
      say(`applying ${step.directory.slice(root.length)}/ to ${step.database} (remote):`);
      // CI: wrangler's confirmation prompt is skipped (it still captures a backup first)
      wranglerSync(["d1", "migrations", "apply", step.database, "--remote", "-c", step.config], {
        stdio: "inherit",
        env: { ...process.env, CI: "true" },
      });
      return `migrated D1 database ${step.database} (wrangler's output above lists what it applied)`;
    case "deploy":
      say(`deploying ${step.worker}:`);
      wranglerSync(["deploy", "-c", step.config], { stdio: "inherit" });
      return `deployed ${step.worker}`;
    case "secret":
      if (step.source === "kept") return `kept secret ${step.name} on ${step.worker} (already set)`;
      // the value goes to wrangler's stdin only: never on a command line, in a file or in the output
      wranglerSync(["secret", "put", step.name, "-c", step.config], { input: secretValue(step.name, step.source) });
      return `set secret ${step.name} on ${step.worker} (${step.source === "environment" ? "from the environment" : "generated; Cloudflare keeps it and later deploys keep it"})`;
  }
}

export async function deploy(args: DeployArgs): Promise<number> {
  if (args.help) {
    say(USAGE);
    return 0;
  }
  const workers = await Promise.all(CONFIGS.map((c) => readWorkerConfig(join(root, c))));
  const given = Object.fromEntries(DEPLOY_SECRETS.map((s) => [s.name, process.env[s.name]]));
  const lookup = !args.dryRun || args.lookup;
  if (lookup) {
    const whoami = wranglerSync(["whoami"]);
    // whoami exits 0 either way; every later command would fail with a longer story
    if (/not authenticated/i.test(whoami)) {
      throw new DeployError(
        "NOT_AUTHENTICATED",
        "wrangler is not logged in to Cloudflare: run `npx wrangler login`, or set CLOUDFLARE_API_TOKEN (and CLOUDFLARE_ACCOUNT_ID if the token reaches several accounts)",
      );
    }
    say(whoami.trim());
    say(
      "Looking up what the account has (wrangler d1 list, kv namespace list, r2 bucket list, queues list, secret list)...",
    );
  }
  const account = lookup ? lookupAccount(workers) : EMPTY_ACCOUNT;
  const plan = planDeploy({ workers, account, given, outDir: OUT_DIR });

  if (args.dryRun) {
    printPlan(
      plan,
      lookup
        ? "Dry run: the plan against this account (nothing will be changed):"
        : "Dry run: nothing was looked up on Cloudflare, so this is the plan for an account that has none of it yet:",
    );
    const problems = bundleAll(plan, workers);
    for (const p of problems) console.error(p);
    return problems.length === 0 ? 0 : 1;
  }

  printPlan(plan, `Deploying ${plan.workers.join(", then ")}:`);
  const ids: ResourceIds = { d1: {}, kv: {} };
  for (const [i, step] of plan.steps.entries()) {
    try {
      say(`✓ ${runStep(step, workers, ids)}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(
        `step ${i + 1} (${describeStep(step, root)}) failed; the steps before it are done and a new run reuses them:\n${message}`,
      );
    }
  }
  say(`\nDeployed ${plan.workers.join(" and ")}.`);
  return 0;
}
