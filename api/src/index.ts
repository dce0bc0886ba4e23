/** The API Worker's entry: the HTTP application, the tenant ledger's class, and the plugin capability entrypoints. */
import { createApp } from "./app.ts";
import { withQueryCounts } from "./dev/query-counter.ts";
import type { ApiEnv } from "./env.ts";

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

// no scheduled handler: each tenant's ledger re-drives its own unsent events from its alarm.
// dev-only: counts D1 and ledger round trips for `npm run bench` when BENCH_COUNT_QUERIES is "true"; otherwise a no-op
export default withQueryCounts("commerce-api", {
  fetch: app.fetch,
} satisfies ExportedHandler<ApiEnv>);
