// `npm run dev`: applies the D1 migrations, seeds the demo tenant and every plugin under plugins/,
// prints the demo admin token, then serves the API and consumer Workers on http://127.0.0.1:8787.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadManifests, root } from "./lib/plugins.mjs";
import { DEMO_TENANT, newToken, seedSql } from "./lib/seed.mjs";
import { wranglerSpawn, wranglerSync } from "./lib/wrangler.mjs";

const port = process.env.PORT ?? "8787";

// The encryption key for sensitive plugin settings; production sets it with `wrangler secret put`.
const devVars = join(root, ".dev.vars");
if (!existsSync(devVars)) {
  writeFileSync(devVars, `CONFIG_ENCRYPTION_KEY=${randomBytes(32).toString("base64")}\n`);
}

console.log("Applying D1 migrations (local)...");
wranglerSync(["d1", "migrations", "apply", "DB", "--local"], { env: { ...process.env, CI: "true" } });

const manifests = await loadManifests();
const token = process.env.DEMO_ADMIN_TOKEN || newToken();
const seedFile = join(mkdtempSync(join(tmpdir(), "dcp-seed-")), "seed.sql");
writeFileSync(seedFile, seedSql({ token, manifests }));
wranglerSync(["d1", "execute", "DB", "--local", "--file", seedFile]);

const banner = [
  "",
  `Demo tenant "${DEMO_TENANT.slug}" with plugins: ${manifests.map((m) => `${m.slug}@${m.version}`).join(", ")}`,
  `Admin token (owner): ${token}`,
  `  export TOKEN=${token}`,
  `  curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:${port}/api/admin/plugins/available`,
  `API docs: http://127.0.0.1:${port}/api/docs`,
  "",
].join("\n");
console.log(banner);

const child = wranglerSpawn([
  "dev",
  "-c",
  "wrangler.toml",
  "-c",
  "consumers/wrangler.toml",
  "--ip",
  "127.0.0.1",
  "--port",
  port,
  ...process.argv.slice(2),
]);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
