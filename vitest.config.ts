import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { configDefaults, defineConfig } from "vitest/config";
import { buildDashboard } from "./scripts/lib/dashboard.mjs";
import { bundlePlugin } from "./sdk/src/build/index.ts";
import { makeTestCertificates, readTestCertificates } from "./test/peers/smtp/tls.ts";

// The SMTP peer's CA (test/global-setup.ts serves its certificate). Miniflare reads NODE_EXTRA_CA_CERTS
// once, when its module loads, into the certificates workerd trusts; so the CA is made first and the
// plugin (which loads miniflare) imported after, dynamically: a static import would be hoisted above this.
// Once per run: the config may be evaluated more than once, and every evaluation must name the same CA.
const smtpCertificates = process.env.SMTP_PEER_TLS_DIR
  ? readTestCertificates(process.env.SMTP_PEER_TLS_DIR)
  : makeTestCertificates();
process.env.NODE_EXTRA_CA_CERTS = smtpCertificates.caFile;
process.env.SMTP_PEER_TLS_DIR = smtpCertificates.dir;
const { cloudflareTest, readD1Migrations } = await import("@cloudflare/vitest-plugin");

// wrangler.toml serves the dashboard's build as assets, and the pool refuses a missing assets folder:
// a fresh clone running `npx vitest run` (not `npm test`, which builds it) gets one built here
if (!existsSync(resolve(import.meta.dirname, "api/dashboard/dist/index.html"))) buildDashboard({ quiet: true });

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
  // @digital-commerce/plugin-sdk as its TypeScript source, not its dist (sdk/package.json): in the client
  // environment and in the ssr one the test files are resolved in (vitest adds its default conditions to these)
  resolve: { conditions: ["@digital-commerce/source"] },
  ssr: { resolve: { conditions: ["@digital-commerce/source"] } },
  plugins: [
    cloudflareTest({
      main: "./test/worker.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        // the consumer Worker's queues, consumed by test/worker.ts; short batch timeouts keep tests quick
        queueProducers: {
          HOOK_EVENTS: "hook-events",
          HOOK_EVENTS_BULK: "hook-events-bulk",
          WEBHOOK_DELIVERIES: "webhook-deliveries",
          ANALYTICS_EVENTS: "analytics-events",
          HOOK_EVENTS_DLQ: "hook-events-dlq",
          WEBHOOK_DELIVERIES_DLQ: "webhook-deliveries-dlq",
          ANALYTICS_EVENTS_DLQ: "analytics-events-dlq",
        },
        queueConsumers: {
          "hook-events": {
            maxBatchSize: 100,
            maxBatchTimeout: 0.05,
            maxRetries: 100,
            deadLetterQueue: "hook-events-dlq",
          },
          "hook-events-bulk": {
            maxBatchSize: 100,
            maxBatchTimeout: 0.05,
            maxRetries: 100,
            deadLetterQueue: "hook-events-dlq",
          },
          "webhook-deliveries": {
            maxBatchSize: 100,
            maxBatchTimeout: 0.05,
            maxRetries: 100,
            deadLetterQueue: "webhook-deliveries-dlq",
          },
          "analytics-events": {
            maxBatchSize: 100,
            maxBatchTimeout: 0.05,
            maxRetries: 100,
            deadLetterQueue: "analytics-events-dlq",
          },
          "hook-events-dlq": { maxBatchSize: 100, maxBatchTimeout: 0.05 },
          "webhook-deliveries-dlq": { maxBatchSize: 100, maxBatchTimeout: 0.05 },
          "analytics-events-dlq": { maxBatchSize: 100, maxBatchTimeout: 0.05 },
        },
        bindings: {
          TEST_MIGRATIONS: migrations,
          // built by the same bundler `npm run dev` uses, keyed by folder name
          TEST_PLUGIN_BUNDLES: bundles,
          // A fixed test key: 32 bytes, base64. Production sets CONFIG_ENCRYPTION_KEY as a secret.
          CONFIG_ENCRYPTION_KEY: "dGVzdC1rZXktMzItYnl0ZXMtbG9uZy0xMjM0NTY3ODk=",
          LOG_LEVEL: "silent",
          // retries a second apart instead of ten, so retry tests finish quickly
          HOOK_RETRY_BASE_SECONDS: "1",
          OUTBOX_REDRIVE_AFTER_SECONDS: "0",
          // webhook receivers in tests listen on 127.0.0.1 (test/global-setup.ts), which production refuses
          WEBHOOK_ALLOW_PRIVATE_URLS: "true",
          // the whole 27.5-hour retry schedule in about 5 s: the early delays round to 0, the last ones to 1-2 s
          WEBHOOK_RETRY_SCALE: "0.00005",
          // so the timeout test waits 2 s, not 15
          WEBHOOK_TIMEOUT_MS: "2000",
        },
      },
    }),
  ],
  test: {
    include: [
      "test/**/*.test.ts",
      "sdk/**/*.test.ts",
      "api/**/*.test.ts",
      "consumers/**/*.test.ts",
      // each reference plugin's own tests (plugins/<slug>/test/)
      "plugins/**/*.test.ts",
    ],
    // the peers' own tests, the dashboard's browser tests and the deploy's run in Node (vitest.cli.config.ts):
    // they start servers, a browser and wrangler, which workerd cannot
    exclude: ["test/peers/**", "test/dashboard/**", "test/deploy/**", ...configDefaults.exclude],
    setupFiles: ["./test/setup.ts"],
    globalSetup: ["./test/global-setup.ts"],
  },
});
