/** Outbound webhooks' answers: endpoints (never their secret), a secret shown once, deliveries with every attempt. */
import { z } from "zod";

export const webhookDeliveryStatus = z.enum(["pending", "succeeded", "failed", "skipped"]);
export type WebhookDeliveryStatus = z.infer<typeof webhookDeliveryStatus>;

export const endpointView = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    disabled_reason: z
      .enum(["manual", "failing"])
      .nullable()
      .meta({ description: "manual: an admin disabled it; failing: the disable rule did." }),
    disabled_at: z.string().nullable(),
    consecutive_failures: z.number().int().meta({ description: "Exhausted deliveries since the last success." }),
    previous_secret_until: z
      .string()
      .nullable()
      .meta({ description: "While set and in the future, deliveries are signed with the previous secret too." }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "WebhookEndpoint" });
export type EndpointView = z.infer<typeof endpointView>;
export const endpointList = z.object({ endpoints: z.array(endpointView) });
export type EndpointList = z.infer<typeof endpointList>;

export const createdEndpoint = z
  .object({
    endpoint: endpointView,
    secret: z.string().meta({ description: "The signing secret. Shown this once: store it now." }),
  })
  .meta({ id: "WebhookEndpointCreated" });
export type CreatedEndpoint = z.infer<typeof createdEndpoint>;

export const rotatedSecret = z
  .object({
    secret: z.string().meta({ description: "The new signing secret. Shown this once." }),
    previous_secret_until: z.string().nullable(),
  })
  .meta({ id: "WebhookSecretRotated" });
export type RotatedSecret = z.infer<typeof rotatedSecret>;

export const webhookAttemptView = z
  .object({
    attempt: z.number().int(),
    started_at: z.string(),
    duration_ms: z.number(),
    outcome: z.enum(["succeeded", "failed", "timeout"]),
    status_code: z.number().int().nullable(),
    response_excerpt: z.string().nullable().meta({ description: "The first KiB of the response body." }),
    error: z.string().nullable(),
  })
  .meta({ id: "WebhookAttempt" });
export type WebhookAttempt = z.infer<typeof webhookAttemptView>;

export const webhookDeliveryView = z
  .object({
    id: z.string().meta({ description: "The webhook-id header: stable across retries and replays." }),
    endpoint_id: z.string(),
    event_id: z.string(),
    event_type: z.string(),
    status: webhookDeliveryStatus,
    next_attempt_at: z.string().nullable(),
    last_error: z.string().nullable(),
    created_at: z.string(),
    completed_at: z.string().nullable(),
    attempts: z.array(webhookAttemptView),
  })
  .meta({ id: "WebhookDelivery" });
export type WebhookDelivery = z.infer<typeof webhookDeliveryView>;
export const webhookDeliveryList = z.object({ deliveries: z.array(webhookDeliveryView) });
export type WebhookDeliveryList = z.infer<typeof webhookDeliveryList>;

/** GET /api/admin/webhooks/event-types */
export const eventTypesView = z.object({ event_types: z.array(z.string()), custom: z.string(), all: z.string() });
export type EventTypesView = z.infer<typeof eventTypesView>;

/** POST /api/admin/webhooks/{id}/replay: how many went back on the queue, and how many a next call would take. */
export const webhookReplayResult = z.object({
  replayed: z.number().int(),
  remaining: z.number().int().meta({ description: "Still to replay: call again." }),
});
export type WebhookReplayResult = z.infer<typeof webhookReplayResult>;
