import { resolve } from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const migrations = await readD1Migrations(resolve(import.meta.dirname, "migrations"));

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: migrations,
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
  },
});
