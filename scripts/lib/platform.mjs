// Prepares local state (migrations, demo seed) and starts both Workers with `wrangler dev`,
// for `npm run dev` and for the benchmarks, which run the same platform in a state folder of their own.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundlePlugins, root } from "./plugins.mjs";
import { bundleKey, newToken, seedSql } from "./seed.mjs";
import { wranglerSpawn, wranglerSync } from "./wrangler.mjs";

const persistArgs = (persistTo) => (persistTo ? ["--persist-to", persistTo] : []);

/** The encryption key for sensitive plugin settings; production sets it with `wrangler secret put`. */
export function ensureDevVars() {
  const devVars = join(root, ".dev.vars");
  if (!existsSync(devVars)) writeFileSync(devVars, `CONFIG_ENCRYPTION_KEY=${randomBytes(32).toString("base64")}\n`);
}

/**
 * Applies migrations, stores every plugin's bundle in local R2 and seeds the demo tenant, its owner
 * token and the plugins' registrations; returns the token and manifests.
 */
export async function prepareLocalState({ persistTo, token = newToken() } = {}) {
  ensureDevVars();
  wranglerSync(["d1", "migrations", "apply", "DB", "--local", ...persistArgs(persistTo)], {
    env: { ...process.env, CI: "true" },
  });
  const bundles = await bundlePlugins();
  const work = mkdtempSync(join(tmpdir(), "dcp-seed-"));
  for (const { manifest, code, hash } of bundles) {
    const file = join(work, `${manifest.slug}.js`);
    writeFileSync(file, code);
    const key = `plugin-bundles/${bundleKey(manifest.slug, manifest.version, hash)}`;
    wranglerSync(["r2", "object", "put", key, "--local", "--file", file, ...persistArgs(persistTo)]);
  }
  const seedFile = join(work, "seed.sql");
  writeFileSync(seedFile, seedSql({ token, bundles }));
  wranglerSync(["d1", "execute", "DB", "--local", "--file", seedFile, ...persistArgs(persistTo)]);
  return { token, manifests: bundles.map((b) => b.manifest) };
}

/** Starts the API and consumer Workers in one wrangler process. */
export function startPlatform({ port, persistTo, extraArgs = [], stdio = "inherit" }) {
  return wranglerSpawn(
    [
      "dev",
      "-c",
      "wrangler.toml",
      "-c",
      "consumers/wrangler.toml",
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
