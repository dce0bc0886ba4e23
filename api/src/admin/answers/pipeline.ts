/**
 * The hook pipeline's answers: a before-hook chain step by step, an after hook's deliveries with every
 * attempt, events and request traces, dead letters and their replays, and a hook's dry run.
 */
import { z } from "zod";
import { webhookDeliveryView } from "./webhooks.ts";

export const traceStepSchema = z
  .object({
    plugin: z.string(),
    version: z.string(),
    handler: z.string(),
    priority: z.number().int(),
    on_failure: z.enum(["abort", "skip"]),
    outcome: z.enum(["transformed", "unchanged", "vetoed", "failed", "timeout"]),
    /** A failure or timeout that the hook's `skip` policy let the chain pass. */
    skipped: z.boolean(),
    started_at: z.string(),
    duration_ms: z.number(),
    error: z.string().optional(),
  })
  .meta({ id: "HookTraceStep" });
export type TraceStep = z.infer<typeof traceStepSchema>;

export const chainTraceSchema = z
  .object({
    trace_id: z.string(),
    hook: z.string(),
    outcome: z.enum(["completed", "vetoed", "aborted"]),
    duration_ms: z.number(),
    steps: z.array(traceStepSchema),
    created_at: z.string().optional(),
  })
  .meta({ id: "HookChainTrace" });
export type ChainTrace = z.infer<typeof chainTraceSchema>;

export const deliveryStatus = z.enum(["pending", "running", "succeeded", "dead"]);
export type DeliveryStatus = z.infer<typeof deliveryStatus>;

export const deliveryAttemptSchema = z
  .object({
    attempt: z.number().int(),
    started_at: z.string(),
    duration_ms: z.number(),
    outcome: z.enum(["succeeded", "failed", "timeout"]),
    error: z.string().nullable(),
    /** The plugin version the attempt ran on: the one active when it ran (null: no installation to run). */
    plugin_version: z.string().nullable(),
  })
  .meta({ id: "DeliveryAttempt" });
export type DeliveryAttempt = z.infer<typeof deliveryAttemptSchema>;

/** An after hook's delivery to one plugin, with every attempt, replays included. */
export const deliverySchema = z
  .object({
    id: z.string(),
    event_id: z.string(),
    plugin_slug: z.string(),
    hook: z.string(),
    status: deliveryStatus,
    attempts: z.number().int(),
    max_attempts: z.number().int(),
    last_error: z.string().nullable(),
    created_at: z.string(),
    completed_at: z.string().nullable(),
    attempt_log: z.array(deliveryAttemptSchema),
  })
  .meta({ id: "Delivery" });
export type Delivery = z.infer<typeof deliverySchema>;

export const eventView = z
  .object({
    id: z.string(),
    hook: z.string(),
    /** The plugin that emitted it (custom events), else null. */
    plugin_slug: z.string().nullable(),
    trace_id: z.string().nullable(),
    queue: z.string(),
    created_at: z.string(),
    sent_at: z.string().nullable(),
    payload: z.unknown(),
    deliveries: z.array(deliverySchema),
    /** One per subscribed outbound webhook endpoint. */
    webhook_deliveries: z.array(webhookDeliveryView),
  })
  .meta({ id: "Event" });
export type EventView = z.infer<typeof eventView>;

/** GET /api/admin/events: a row of the outbox, without its payload and deliveries. */
export const eventSummary = eventView.omit({ deliveries: true, webhook_deliveries: true, payload: true });
export type EventSummary = z.infer<typeof eventSummary>;
export const eventList = z.object({ events: z.array(eventSummary) });
export type EventList = z.infer<typeof eventList>;

/** GET /api/admin/traces/:id: the before hooks a request ran, then the events it wrote. */
export const traceView = z.object({
  trace_id: z.string(),
  before_hooks: z.array(chainTraceSchema),
  events: z.array(eventView),
});
export type TraceView = z.infer<typeof traceView>;

export const deadLetterSchema = z
  .object({
    id: z.string(),
    queue: z.string(),
    delivery_id: z.string().nullable(),
    event_id: z.string().nullable(),
    plugin_slug: z.string().nullable(),
    hook: z.string().nullable(),
    body: z.unknown(),
    attempts: z.number().int(),
    last_error: z.string().nullable(),
    created_at: z.string(),
    replayed_at: z.string().nullable(),
  })
  .meta({ id: "DeadLetter" });
export type DeadLetterView = z.infer<typeof deadLetterSchema>;
export const deadLetterList = z.object({ dead_letters: z.array(deadLetterSchema) });
export type DeadLetterList = z.infer<typeof deadLetterList>;

export const replayResult = z
  .object({
    replayed: z.array(z.string()),
    skipped: z.array(z.object({ id: z.string(), reason: z.string() })),
  })
  .meta({ id: "ReplayResult" });
export type ReplayResult = z.infer<typeof replayResult>;

export const purgeResult = z.object({ purged: z.number().int() });
export type PurgeResult = z.infer<typeof purgeResult>;

/** POST /api/admin/dead-letters/replay: every open dead letter of a plugin, optionally of one hook. */
export const replayManyBody = z.object({ plugin: z.string().min(1), hook: z.string().optional() });

export const beforeHookRun = z
  .object({
    hook: z.string(),
    kind: z.literal("before"),
    outcome: chainTraceSchema.shape.outcome,
    duration_ms: z.number(),
    payload: z.unknown().meta({ description: "What the chain left: the payload the operation would go on with." }),
    steps: z.array(
      traceStepSchema.extend({
        output: z.unknown().meta({ description: "The payload after this step." }),
      }),
    ),
  })
  .meta({ id: "BeforeHookRun" });

export const notificationHookRun = z
  .object({
    hook: z.string(),
    kind: z.literal("notification"),
    duration_ms: z.number(),
    steps: z.array(
      z.object({
        plugin: z.string(),
        version: z.string(),
        handler: z.string(),
        priority: z.number().int(),
        outcome: z.enum(["succeeded", "failed", "timeout"]),
        duration_ms: z.number(),
        error: z.string().optional(),
      }),
    ),
  })
  .meta({ id: "NotificationHookRun" });

/** POST /api/admin/hooks/{hook}/run: a dry run of the tenant's handlers of a hook on a payload. */
export const hookRunResult = z.discriminatedUnion("kind", [beforeHookRun, notificationHookRun]);
export type HookRunResult = z.infer<typeof hookRunResult>;
