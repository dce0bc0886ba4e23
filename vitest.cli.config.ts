// The CLI's tests: Node, not workerd. They run the built CLI as a subprocess, the offline commands in
// temporary folders and the operations commands against the platform the global setup starts.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // the dashboard's own alias (api/dashboard/vite.config.ts), for the tests that render its components in Node
  resolve: { alias: { "@": fileURLToPath(new URL("./api/dashboard/src", import.meta.url)) } },
  // @digital-commerce/plugin-sdk as its TypeScript source, not its dist (sdk/package.json); vitest adds its
  // default conditions to these, and passes them to its workers' Node (--conditions) too
  ssr: { resolve: { conditions: ["@digital-commerce/source"] } },
  test: {
    // test/dashboard: the operator dashboard in Chromium (playwright-core), against a platform of its own;
    // test/deploy: npm run deploy's plan and both Workers' bundles (wrangler deploy --dry-run, offline)
    include: [
      "cli/test/**/*.test.ts",
      "test/peers/**/*.test.ts",
      "test/dashboard/**/*.test.ts",
      "test/deploy/**/*.test.ts",
    ],
    environment: "node",
    globalSetup: ["./cli/test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // the operations tests share one platform; the offline ones are CPU-bound builds
    fileParallelism: false,
  },
});
