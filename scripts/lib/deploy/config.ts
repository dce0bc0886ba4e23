/**
 * The Workers' wrangler configs as the deploy reads them, and the deploy config generated from each: the
 * checked-in file with the account's real resource ids, written under .wrangler/deploy/ (the checked-in
 * files keep their local placeholder ids for `npm run dev` and the tests).
 */
import { dirname, relative, resolve } from "node:path";
import { z } from "zod";
import { DeployError } from "./errors.ts";

// Only what the deploy reads; every other field is carried over untouched. Names and ids tie one Worker's
// binding to the other's: a D1 database by its database_name, a KV namespace by its checked-in id.
const ConfigSchema = z.looseObject({
  name: z.string().min(1),
  main: z.string().optional(),
  d1_databases: z
    .array(
      z.looseObject({
        binding: z.string(),
        database_name: z.string().min(1),
        database_id: z.string().optional(),
        migrations_dir: z.string().optional(),
      }),
    )
    .default([]),
  kv_namespaces: z.array(z.looseObject({ binding: z.string(), id: z.string().min(1) })).default([]),
  r2_buckets: z.array(z.looseObject({ binding: z.string(), bucket_name: z.string().min(1) })).default([]),
  queues: z
    .looseObject({
      producers: z.array(z.looseObject({ binding: z.string(), queue: z.string().min(1) })).default([]),
      consumers: z
        .array(z.looseObject({ queue: z.string().min(1), dead_letter_queue: z.string().min(1).optional() }))
        .default([]),
    })
    .default({ producers: [], consumers: [] }),
  durable_objects: z
    .looseObject({
      bindings: z
        .array(z.looseObject({ name: z.string(), class_name: z.string(), script_name: z.string().optional() }))
        .default([]),
    })
    .default({ bindings: [] }),
  services: z.array(z.looseObject({ binding: z.string(), service: z.string() })).default([]),
  assets: z.looseObject({ directory: z.string().optional() }).optional(),
});

export type ParsedConfig = z.infer<typeof ConfigSchema>;

/** One Worker's config: its file, the raw object wrangler read from it, and the parts the deploy uses. */
export interface WorkerConfig {
  /** absolute path of the config file; relative paths inside it are relative to its folder */
  file: string;
  raw: Record<string, unknown>;
  config: ParsedConfig;
}

// Fields that hold paths the generated config would have to rewrite and does not: refused, not silently broken
const UNSUPPORTED = ["env", "site", "wasm_modules", "text_blobs", "data_blobs", "containers", "alias"] as const;

/** Checks `raw` (a parsed wrangler config) and keeps it with its file; throws CONFIG_INVALID naming the field. */
export function workerConfigOf(file: string, raw: unknown): WorkerConfig {
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`);
    throw new DeployError("CONFIG_INVALID", `${file}: ${problems.join("; ")}`);
  }
  const present = UNSUPPORTED.filter((key) => key in (raw as Record<string, unknown>));
  if (present.length > 0) {
    throw new DeployError(
      "CONFIG_UNSUPPORTED",
      `${file}: ${present.join(", ")} ${present.length === 1 ? "is" : "are"} not carried into the generated deploy config; deploy it with wrangler directly or extend scripts/lib/deploy/config.ts`,
    );
  }
  return { file: resolve(file), raw: raw as Record<string, unknown>, config: result.data };
}

/** Reads a wrangler.toml (or .json) with wrangler's own parser, so it means to the deploy what it means to wrangler. */
export async function readWorkerConfig(file: string): Promise<WorkerConfig> {
  const wrangler = (await import("wrangler")) as unknown as {
    experimental_readRawConfig(args: { config: string }): { rawConfig: unknown };
  };
  return workerConfigOf(file, wrangler.experimental_readRawConfig({ config: resolve(file) }).rawConfig);
}

/** The account's ids of the resources the configs name: D1 databases by name, KV namespaces by checked-in id. */
export interface ResourceIds {
  d1: Record<string, string>;
  kv: Record<string, string>;
}

/**
 * The deploy config of `worker`, to be written at `outFile`: its raw config with each D1 database_id and KV id
 * replaced by the account's, and every path made relative to `outFile`'s folder (wrangler resolves them against
 * the config's own folder). Throws when an id is missing from `ids`.
 */
export function renderDeployConfig(worker: WorkerConfig, ids: ResourceIds, outFile: string): Record<string, unknown> {
  const from = dirname(worker.file);
  const to = dirname(resolve(outFile));
  const moved = (path: string) => relative(to, resolve(from, path)) || ".";
  const out = structuredClone(worker.raw);
  for (const key of ["main", "base_dir", "tsconfig"]) {
    if (typeof out[key] === "string") out[key] = moved(out[key]);
  }
  const assets = out.assets as { directory?: string } | undefined;
  if (typeof assets?.directory === "string") assets.directory = moved(assets.directory);
  const build = out.build as { cwd?: string; watch_dir?: string | string[] } | undefined;
  if (typeof build?.cwd === "string") build.cwd = moved(build.cwd);
  if (build?.watch_dir !== undefined) {
    build.watch_dir = Array.isArray(build.watch_dir) ? build.watch_dir.map(moved) : moved(build.watch_dir);
  }
  for (const db of (out.d1_databases ?? []) as {
    database_name: string;
    database_id?: string;
    migrations_dir?: string;
  }[]) {
    const id = ids.d1[db.database_name];
    if (!id) throw new Error(`no D1 database id for ${db.database_name} (${worker.file})`);
    db.database_id = id;
    // wrangler's default, made explicit: it would otherwise look for migrations/ beside the generated file
    db.migrations_dir = moved(db.migrations_dir ?? "migrations");
  }
  for (const kv of (out.kv_namespaces ?? []) as { binding: string; id: string }[]) {
    const id = ids.kv[kv.id];
    if (!id) throw new Error(`no KV namespace id for ${kv.binding} (checked-in id ${kv.id}, ${worker.file})`);
    kv.id = id;
  }
  return out;
}
