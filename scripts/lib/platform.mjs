// Prepares local state (migrations, demo seed) and starts both Workers with `wrangler dev`,
// for `npm run dev` and for the benchmarks, which run the same platform in a state folder of their own.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundlePlugins, pluginDirs, root } from "./plugins.mjs";
import { bundleKey, newToken, seedSql } from "./seed.mjs";
import { wranglerSpawn, wranglerSync } from "./wrangler.mjs";

const persistArgs = (persistTo) => (persistTo ? ["--persist-to", persistTo] : []);

/** Local settings of both Workers that production sets otherwise (a secret, stricter defaults). */
const DEV_SETTINGS = {
  // webhook endpoints on this machine (a receiver on localhost) are allowed in development
  WEBHOOK_ALLOW_PRIVATE_URLS: "true",
  // retries seconds apart, so a failing plugin reaches the dead letters while you watch
  HOOK_RETRY_BASE_SECONDS: "2",
};

function readVars(file) {
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

/**
 * Writes .dev.vars for the API Worker and consumers/.dev.vars for the consumer Worker: the same
 * encryption key for sensitive plugin settings (both decrypt them; production sets it with
 * `wrangler secret put`), plus the development settings. Values already there are kept.
 */
export function ensureDevVars() {
  const apiVars = join(root, ".dev.vars");
  const consumerVars = join(root, "consumers", ".dev.vars");
  const existing = { ...readVars(consumerVars), ...readVars(apiVars) };
  const vars = {
    ...DEV_SETTINGS,
    ...existing,
    CONFIG_ENCRYPTION_KEY: existing.CONFIG_ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
  };
  const text = `${Object.entries(vars)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n")}\n`;
  writeFileSync(apiVars, text);
  writeFileSync(consumerVars, text);
}

/**
 * Applies migrations, stores every plugin's bundle in local R2 and seeds the demo tenant, its owner
 * token and the plugins' registrations; returns the token and manifests. The benchmarks pass
 * `extraPluginDirs` (their own plugins, registered besides plugins/) and `tenants` (more tenants,
 * `{ id, slug, name, token }`, each with an owner token).
 */
export async function prepareLocalState({ persistTo, token = newToken(), extraPluginDirs = [], tenants = [] } = {}) {
  ensureDevVars();
  wranglerSync(["d1", "migrations", "apply", "DB", "--local", ...persistArgs(persistTo)], {
    env: { ...process.env, CI: "true" },
  });
  const bundles = await bundlePlugins([...pluginDirs(), ...extraPluginDirs]);
  const work = mkdtempSync(join(tmpdir(), "dcp-seed-"));
  for (const { manifest, code, hash } of bundles) {
    const file = join(work, `${manifest.slug}.js`);
    writeFileSync(file, code);
    const key = `plugin-bundles/${bundleKey(manifest.slug, manifest.version, hash)}`;
    wranglerSync(["r2", "object", "put", key, "--local", "--file", file, ...persistArgs(persistTo)]);
  }
  const seedFile = join(work, "seed.sql");
  writeFileSync(seedFile, seedSql({ token, bundles, tenants }));
  wranglerSync(["d1", "execute", "DB", "--local", "--file", seedFile, ...persistArgs(persistTo)]);
  return { token, manifests: bundles.map((b) => b.manifest) };
}

/**
 * Starts the API and consumer Workers in one wrangler process. `consumerConfig` replaces
 * consumers/wrangler.toml (a benchmark's variant of its settings: `--var` reaches only the first Worker).
 */
export function startPlatform({
  port,
  persistTo,
  extraArgs = [],
  stdio = "inherit",
  consumerConfig = "consumers/wrangler.toml",
}) {
  return wranglerSpawn(
    [
      "dev",
      "-c",
      "wrangler.toml",
      "-c",
      consumerConfig,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      ...persistArgs(persistTo),
      ...extraArgs,
    ],
    { stdio },
  );
}

/** Resolves once `path` answers (any HTTP status when `anyStatus`), or rejects after `timeoutMs`. */
export async function waitUntilReady(baseUrl, timeoutMs = 60_000, path = "/healthz", anyStatus = path !== "/healthz") {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${baseUrl}${path}`);
      if (res.ok || anyStatus) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the platform did not answer ${baseUrl}${path} within ${timeoutMs} ms`);
}
