/**
 * The deploy's plan, pure: from the Workers' configs and what the Cloudflare account already has, the ordered
 * steps of `npm run deploy`. The runner (run.ts) looks the account up, prints this plan and carries it out.
 */
import { join, resolve } from "node:path";
import type { WorkerConfig } from "./config.ts";
import { DeployError } from "./errors.ts";
import { DEPLOY_SECRETS, type DeploySecret } from "./secrets.ts";

/** What the account has, as wrangler lists it. */
export interface Account {
  d1Databases: { name: string; uuid: string }[];
  kvNamespaces: { title: string; id: string }[];
  r2Buckets: string[];
  queues: string[];
  /** the secret names of each Worker already deployed; a Worker absent here is not deployed yet */
  secrets: Record<string, string[]>;
}

export const EMPTY_ACCOUNT: Account = { d1Databases: [], kvNamespaces: [], r2Buckets: [], queues: [], secrets: {} };

type Action = "create" | "reuse";
/** "worker.BINDING" of each binding that names the resource, so the plan says why it exists */
type UsedBy = string[];

export type Step =
  | { kind: "d1"; action: Action; name: string; id?: string; usedBy: UsedBy }
  | { kind: "kv"; action: Action; title: string; id?: string; placeholder: string; usedBy: UsedBy }
  | { kind: "r2"; action: Action; name: string; usedBy: UsedBy }
  | { kind: "queue"; action: Action; name: string; usedBy: UsedBy }
  | { kind: "build-assets"; worker: string; directory: string }
  | { kind: "write-config"; worker: string; from: string; to: string }
  | { kind: "migrations"; database: string; worker: string; config: string; directory: string }
  | { kind: "deploy"; worker: string; config: string }
  | { kind: "secret"; worker: string; name: string; source: "environment" | "generated" | "kept"; config: string };

type StepOf<K extends Step["kind"]> = Extract<Step, { kind: K }>;

export interface DeployPlan {
  /** Worker names in deploy order */
  workers: string[];
  steps: Step[];
}

export interface PlanInput {
  workers: WorkerConfig[];
  account: Account;
  /** values given for the deploy secrets (process.env); only their presence and form reach the plan */
  given: Record<string, string | undefined>;
  /** where the generated deploy configs go (.wrangler/deploy/) */
  outDir: string;
  secrets?: readonly DeploySecret[];
}

/**
 * The Workers in an order where each comes after those whose Durable Objects (script_name) or services it
 * binds: the consumer Worker binds the API Worker's Durable Objects, which must exist first. Otherwise the
 * given order is kept.
 */
export function deployOrder(workers: WorkerConfig[]): WorkerConfig[] {
  const byName = new Map(workers.map((w) => [w.config.name, w]));
  const needs = (w: WorkerConfig) =>
    [...w.config.durable_objects.bindings.map((b) => b.script_name), ...w.config.services.map((s) => s.service)].filter(
      (n): n is string => n !== undefined && n !== w.config.name && byName.has(n),
    );
  const ordered: WorkerConfig[] = [];
  const visiting: string[] = [];
  const visit = (w: WorkerConfig) => {
    if (ordered.includes(w)) return;
    if (visiting.includes(w.config.name)) {
      throw new DeployError(
        "WORKER_CYCLE",
        `${[...visiting.slice(visiting.indexOf(w.config.name)), w.config.name].join(" -> ")} bind each other's Durable Objects or services: no Worker can be deployed first`,
      );
    }
    visiting.push(w.config.name);
    for (const name of needs(w)) visit(byName.get(name) as WorkerConfig);
    visiting.pop();
    ordered.push(w);
  };
  for (const w of workers) visit(w);
  return ordered;
}

/** Upserts the resource keyed `key` in `list`, adding `user` to the bindings that name it. */
function gather<T extends { usedBy: UsedBy }>(list: Map<string, T>, key: string, user: string, make: () => T) {
  const found = list.get(key) ?? make();
  found.usedBy.push(user);
  list.set(key, found);
}

/** The ordered steps: resources, the dashboard build, generated configs, remote migrations, then each Worker and its secrets. */
export function planDeploy(input: PlanInput): DeployPlan {
  const { account, outDir } = input;
  const workers = deployOrder(input.workers);
  const configOf = (name: string) => join(outDir, `${name}.json`);

  const d1 = new Map<string, StepOf<"d1">>();
  const kv = new Map<string, StepOf<"kv">>();
  const r2 = new Map<string, StepOf<"r2">>();
  const queues = new Map<string, StepOf<"queue">>();
  const migrations = new Map<string, StepOf<"migrations">>();
  const action = (found: boolean): Action => (found ? "reuse" : "create");

  for (const w of workers) {
    const { name, d1_databases, kv_namespaces, r2_buckets, queues: q } = w.config;
    for (const db of d1_databases) {
      const uuid = account.d1Databases.find((d) => d.name === db.database_name)?.uuid;
      gather(
        d1,
        db.database_name,
        `${name}.${db.binding}`,
        (): StepOf<"d1"> => ({
          kind: "d1",
          action: action(uuid !== undefined),
          name: db.database_name,
          ...(uuid ? { id: uuid } : {}),
          usedBy: [],
        }),
      );
      if (!migrations.has(db.database_name)) {
        migrations.set(db.database_name, {
          kind: "migrations",
          database: db.database_name,
          worker: name,
          config: configOf(name),
          directory: resolve(w.file, "..", db.migrations_dir ?? "migrations"),
        });
      }
    }
    for (const ns of kv_namespaces) {
      // the first Worker to bind it names it; the others find it by the same checked-in id
      const title = kv.get(ns.id)?.title ?? `${name}-${ns.binding}`.toLowerCase();
      const id = account.kvNamespaces.find((k) => k.title === title)?.id;
      gather(
        kv,
        ns.id,
        `${name}.${ns.binding}`,
        (): StepOf<"kv"> => ({
          kind: "kv",
          action: action(id !== undefined),
          title,
          ...(id ? { id } : {}),
          placeholder: ns.id,
          usedBy: [],
        }),
      );
    }
    for (const bucket of r2_buckets) {
      gather(
        r2,
        bucket.bucket_name,
        `${name}.${bucket.binding}`,
        (): StepOf<"r2"> => ({
          kind: "r2",
          action: action(account.r2Buckets.includes(bucket.bucket_name)),
          name: bucket.bucket_name,
          usedBy: [],
        }),
      );
    }
    const queueUses = [
      ...q.producers.map((p) => [p.queue, `${name}.${p.binding}`] as const),
      ...q.consumers.map((c) => [c.queue, `consumed by ${name}`] as const),
      ...q.consumers.flatMap((c) =>
        c.dead_letter_queue ? [[c.dead_letter_queue, `dead letters of ${c.queue}`] as const] : [],
      ),
    ];
    for (const [queue, user] of queueUses) {
      gather(
        queues,
        queue,
        user,
        (): StepOf<"queue"> => ({
          kind: "queue",
          action: action(account.queues.includes(queue)),
          name: queue,
          usedBy: [],
        }),
      );
    }
  }

  const steps: Step[] = [...d1.values(), ...kv.values(), ...r2.values(), ...queues.values()];
  for (const w of workers) {
    const directory = w.config.assets?.directory;
    if (directory)
      steps.push({ kind: "build-assets", worker: w.config.name, directory: resolve(w.file, "..", directory) });
  }
  for (const w of workers) {
    steps.push({ kind: "write-config", worker: w.config.name, from: w.file, to: configOf(w.config.name) });
  }
  steps.push(...migrations.values());

  const secretSources = planSecrets(
    workers.map((w) => w.config.name),
    input.secrets ?? DEPLOY_SECRETS,
    account,
    input.given,
  );
  for (const w of workers) {
    const worker = w.config.name;
    steps.push({ kind: "deploy", worker, config: configOf(worker) });
    for (const [name, source] of secretSources) {
      steps.push({ kind: "secret", worker, name, source, config: configOf(worker) });
    }
  }
  return { workers: workers.map((w) => w.config.name), steps };
}

/**
 * Where each secret's value comes from, the same for every Worker (they share it): the environment when given;
 * kept when every Worker has it already (a new key would make the stored sensitive settings unreadable);
 * generated when none has it. Some Workers with it and others without is refused: the value cannot be read back.
 */
function planSecrets(
  workers: string[],
  secrets: readonly DeploySecret[],
  account: Account,
  given: Record<string, string | undefined>,
): [string, "environment" | "generated" | "kept"][] {
  return secrets.map((secret) => {
    const value = given[secret.name];
    if (value !== undefined) {
      const problem = secret.check(value);
      if (problem) {
        throw new DeployError("SECRET_INVALID", `${secret.name} (from the environment) ${problem}.`);
      }
      return [secret.name, "environment"];
    }
    const holders = workers.filter((w) => account.secrets[w]?.includes(secret.name));
    if (holders.length === workers.length) return [secret.name, "kept"];
    if (holders.length === 0) return [secret.name, "generated"];
    const missing = workers.filter((w) => !holders.includes(w));
    throw new DeployError(
      "SECRET_PARTIAL",
      `${secret.name} is set on ${holders.join(", ")} but not on ${missing.join(", ")}; every Worker needs the same value and Cloudflare cannot give it back. Run again with it in the environment: ${secret.name}=<the value> npm run deploy`,
    );
  });
}

const users = (usedBy: UsedBy) => `(${usedBy.join(", ")})`;

/** One line of the printed plan. */
export function describeStep(step: Step, root: string): string {
  const rel = (path: string) => (path.startsWith(root) ? path.slice(root.length).replace(/^\//, "") : path);
  switch (step.kind) {
    case "d1":
      return step.action === "create"
        ? `create D1 database ${step.name} ${users(step.usedBy)}`
        : `reuse D1 database ${step.name} ${step.id} ${users(step.usedBy)}`;
    case "kv":
      return step.action === "create"
        ? `create KV namespace ${step.title} ${users(step.usedBy)}`
        : `reuse KV namespace ${step.title} ${step.id} ${users(step.usedBy)}`;
    case "r2":
      return `${step.action} R2 bucket ${step.name} ${users(step.usedBy)}`;
    case "queue":
      return `${step.action} queue ${step.name} ${users(step.usedBy)}`;
    case "build-assets":
      return `build ${rel(step.directory)}, ${step.worker}'s static assets`;
    case "write-config":
      return `write ${rel(step.to)}: ${rel(step.from)} with the account's ids`;
    case "migrations":
      return `apply ${rel(step.directory)}/ to D1 database ${step.database} (remote)`;
    case "deploy":
      return `deploy Worker ${step.worker} (${rel(step.config)})`;
    case "secret":
      return {
        environment: `set secret ${step.name} on ${step.worker}, from the environment`,
        generated: `set secret ${step.name} on ${step.worker}, generated (the same value on every Worker)`,
        kept: `keep secret ${step.name} on ${step.worker} (already set; give ${step.name} to replace it)`,
      }[step.source];
  }
}
