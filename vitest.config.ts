import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { bundlePlugin } from "./sdk/src/build/index.ts";

const migrations = await readD1Migrations(resolve(import.meta.dirname, "migrations"));

/** Every plugin folder the tests may publish: the reference plugins and the test fixtures (hostile ones too). */
const pluginDirs = ["plugins", "test/fixtures/plugins"].flatMap((parent) =>
  readdirSync(resolve(import.meta.dirname, parent), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(resolve(import.meta.dirname, parent), e.name)),
);
const bundles = Object.fromEntries(
  await Promise.all(pluginDirs.map(async (dir) => [dir.split("/").pop(), await bundlePlugin(dir)] as const)),
);

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: migrations,
          // built by the same bundler `npm run dev` uses, keyed by folder name
          TEST_PLUGIN_BUNDLES: bundles,
          // A fixed test key: 32 bytes, base64. Production sets CONFIG_ENCRYPTION_KEY as a secret.
          CONFIG_ENCRYPTION_KEY: "dGVzdC1rZXktMzItYnl0ZXMtbG9uZy0xMjM0NTY3ODk=",
          LOG_LEVEL: "silent",
        },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts", "sdk/**/*.test.ts", "api/**/*.test.ts", "consumers/**/*.test.ts"],
    setupFiles: ["./test/setup.ts"],
    globalSetup: ["./test/global-setup.ts"],
  },
});
