/** The consumer Worker's bindings, as consumers/wrangler.toml declares them. */
import type { ApiEnv } from "../../api/src/env.ts";

/** The API Worker's bindings (plugins run here with the same stores), the dead-letter producers and the retry knobs. */
export interface ConsumerEnv extends ApiEnv {
  /** The bulk lane of hook deliveries: a tenant's deliveries past its share of a batch. */
  HOOK_EVENTS_BULK: Queue<unknown>;
  HOOK_EVENTS_DLQ: Queue<unknown>;
  WEBHOOK_DELIVERIES_DLQ: Queue<unknown>;
  ANALYTICS_EVENTS_DLQ: Queue<unknown>;
  /** Attempts a hook delivery gets when its hook does not say (default 5, at most 100). */
  HOOK_MAX_ATTEMPTS?: string;
  /** First retry delay in seconds; doubles per attempt, with jitter, capped at 24 hours (default 10). */
  HOOK_RETRY_BASE_SECONDS?: string;
  /** The analytics queue's own attempts and first retry delay; default to the hook queue's. */
  ANALYTICS_MAX_ATTEMPTS?: string;
  ANALYTICS_RETRY_BASE_SECONDS?: string;
  /** Deliveries one tenant may start per batch of the main lane; the rest move to the bulk lane (default 8). */
  TENANT_BATCH_SHARE?: string;
  /** Multiplies every webhook retry delay (default 1; tests use a tiny factor so the whole schedule takes seconds). */
  WEBHOOK_RETRY_SCALE?: string;
  /** Milliseconds a webhook endpoint has to answer one attempt (default 15000). */
  WEBHOOK_TIMEOUT_MS?: string;
  /** Exhausted deliveries in a row, with no success between, after which an endpoint is disabled (default 5). */
  WEBHOOK_DISABLE_AFTER_FAILURES?: string;
}
