/** The API Worker's entry: wires bindings to the HTTP application and the outbox re-drive, and exports the plugin capability entrypoints. */
import { createApp } from "./app.ts";
import { withQueryCounts } from "./dev/query-counter.ts";
import type { ApiEnv } from "./env.ts";
import { serviceLogger } from "./logging/index.ts";
import { redriveOutbox } from "./outbox/index.ts";

// the sessions capability runs the commerce API's sign-in, so it lives with the sessions it opens
export { SessionsCapability } from "./commerce/index.ts";
// each tenant's hot state: its Durable Object class lives in this Worker, the consumers bind it by script_name
export { TenantLedger } from "./ledger/index.ts";
// listed one by one: `export *` does not make an entrypoint the runtime's ctx.exports sees (tried);
// bench/sandbox/worker.ts lists the same classes for the same reason
export {
  CacheCapability,
  DbCapability,
  EgressGate,
  EventsCapability,
  LogCapability,
  PluginDatabase,
  PluginsCapability,
  StorageCapability,
} from "./sandbox/index.ts";

const app = createApp();

// dev-only: counts D1 and ledger round trips for `npm run bench` when BENCH_COUNT_QUERIES is "true"; otherwise a no-op
export default withQueryCounts("commerce-api", {
  fetch: app.fetch,
  /** Cron (wrangler.toml [triggers]): sends outbox events whose send failed or never happened. */
  async scheduled(_controller, env, _ctx) {
    const olderThanSeconds = Number(env.OUTBOX_REDRIVE_AFTER_SECONDS ?? 60);
    await redriveOutbox(env.DB, env, serviceLogger("commerce-api", env.LOG_LEVEL).child({ job: "outbox-redrive" }), {
      olderThanSeconds: Number.isFinite(olderThanSeconds) ? olderThanSeconds : 60,
    });
  },
} satisfies ExportedHandler<ApiEnv>);
