/**
 * What the admin API's pipeline routes answer (api/src/admin/pipeline-routes.ts, api/src/hooks/trace.ts,
 * api/src/deliveries/store.ts, api/src/webhooks/schemas.ts), written out as lib/types.ts does for the rest.
 */

export type DeliveryStatus = "pending" | "running" | "succeeded" | "dead";
export type WebhookDeliveryStatus = "pending" | "succeeded" | "failed" | "skipped";

/** One step of a before-hook chain: one plugin's handler, in priority order. */
export interface HookTraceStep {
  plugin: string;
  version: string;
  handler: string;
  priority: number;
  on_failure: "abort" | "skip";
  outcome: "transformed" | "unchanged" | "vetoed" | "failed" | "timeout";
  /** A failure or timeout that the hook's `skip` policy let the chain pass. */
  skipped: boolean;
  started_at: string;
  duration_ms: number;
  error?: string;
}

export interface HookChainTrace {
  trace_id: string;
  hook: string;
  outcome: "completed" | "vetoed" | "aborted";
  duration_ms: number;
  steps: HookTraceStep[];
  created_at?: string;
}

export interface DeliveryAttempt {
  attempt: number;
  started_at: string;
  duration_ms: number;
  outcome: "succeeded" | "failed" | "timeout";
  error: string | null;
}

/** An after hook's delivery to one plugin, with every attempt, replays included. */
export interface Delivery {
  id: string;
  event_id: string;
  plugin_slug: string;
  hook: string;
  status: DeliveryStatus;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  created_at: string;
  completed_at: string | null;
  attempt_log: DeliveryAttempt[];
}

export interface WebhookAttempt {
  attempt: number;
  started_at: string;
  duration_ms: number;
  outcome: "succeeded" | "failed" | "timeout";
  status_code: number | null;
  response_excerpt: string | null;
  error: string | null;
}

/** A delivery to one outbound webhook endpoint. */
export interface WebhookDelivery {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: WebhookDeliveryStatus;
  next_attempt_at: string | null;
  last_error: string | null;
  created_at: string;
  completed_at: string | null;
  attempts: WebhookAttempt[];
}

/** GET /api/admin/events: a row of the outbox. */
export interface EventSummary {
  id: string;
  hook: string;
  /** The plugin that emitted it (custom events), else null. */
  plugin_slug: string | null;
  trace_id: string | null;
  queue: string;
  created_at: string;
  sent_at: string | null;
}

/** GET /api/admin/events/:id */
export interface EventView extends EventSummary {
  payload: unknown;
  deliveries: Delivery[];
  webhook_deliveries: WebhookDelivery[];
}

/** GET /api/admin/traces/:id: the before hooks a request ran, then the events it wrote. */
export interface TraceView {
  trace_id: string;
  before_hooks: HookChainTrace[];
  events: EventView[];
}
