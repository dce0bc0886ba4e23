/** The consumer Worker's entry: routes each queue's batches to its consumer, and exports the plugin capability entrypoints. */
import { withQueryCounts } from "../../api/src/dev/query-counter.ts";
import { serviceLogger } from "../../api/src/logging/index.ts";
import { consumeAnalyticsEvents } from "./analytics.ts";
import { consumeDeadLetters } from "./dead-letters.ts";
import type { ConsumerEnv } from "./env.ts";
import { consumeHookEvents } from "./hook-events.ts";
import { consumeWebhookDeliveries } from "./webhooks.ts";

export { SessionsCapability } from "../../api/src/commerce/index.ts";
// Plugins run here too, so the isolates' capability entrypoints must be this Worker's own exports
// (listed one by one: `export *` does not register them in ctx.exports). The database Durable Object
// lives in the API Worker; this Worker binds it by script_name.
export {
  CacheCapability,
  DbCapability,
  EgressGate,
  EventsCapability,
  LogCapability,
  PluginsCapability,
  StorageCapability,
} from "../../api/src/sandbox/index.ts";

// dev-only: counts D1 and ledger round trips for `npm run bench` when BENCH_COUNT_QUERIES is "true"; otherwise a no-op
export default withQueryCounts("commerce-consumers", {
  async queue(batch, env, ctx) {
    const log = serviceLogger("commerce-consumers", env.LOG_LEVEL).child({ queue: batch.queue });
    const deps = { env, exports: ctx.exports, waitUntil: (p: Promise<unknown>) => ctx.waitUntil(p), log };
    if (batch.queue.endsWith("-dlq")) return await consumeDeadLetters(batch, env, log);
    if (batch.queue === "hook-events") return await consumeHookEvents(batch, deps, "main");
    if (batch.queue === "hook-events-bulk") return await consumeHookEvents(batch, deps, "bulk");
    if (batch.queue === "analytics-events") return await consumeAnalyticsEvents(batch, deps);
    if (batch.queue === "webhook-deliveries") return consumeWebhookDeliveries(batch, env, ctx, log);
    log.error({ messages: batch.messages.length }, "no consumer for this queue; retrying its messages");
    batch.retryAll({ delaySeconds: 60 });
  },
} satisfies ExportedHandler<ConsumerEnv>);
