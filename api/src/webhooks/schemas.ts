/** Shapes of outbound webhooks: admin requests and views (the OpenAPI document comes from these), D1 rows, the queue message. */
import { z } from "@hono/zod-openapi";
import { urlProblem } from "../net/index.ts";
import { ALL_EVENTS, eventTypeProblem, notificationHooks } from "./event-types.ts";
import { secretProblem } from "./secrets.ts";

/** The longest overlap a rotation may ask for: a week. */
export const MAX_OVERLAP_SECONDS = 7 * 24 * 3600;
export const DEFAULT_OVERLAP_SECONDS = 24 * 3600;

const problem = (check: (value: string) => string | null) => (value: string, ctx: z.RefinementCtx) => {
  const message = check(value);
  if (message) ctx.addIssue({ code: "custom", message });
};

// syntax only here; the address rule depends on WEBHOOK_ALLOW_PRIVATE_URLS and is applied by the handler
const url = z
  .string()
  .superRefine(problem((v) => urlProblem(v, { allowPrivate: true })))
  .openapi({
    description: "Where deliveries are POSTed: http(s), a public address.",
    example: "https://example.com/hooks",
  });

const eventType = z.string().superRefine(problem(eventTypeProblem));
const events = z
  .array(eventType)
  .min(1, "subscribe to at least one event type")
  .max(100)
  .transform((types) => [...new Set(types)])
  .openapi({
    description: `Notification hooks (${notificationHooks.join(", ")}), custom events as "event:<name>", or "${ALL_EVENTS}" for all.`,
    example: ["after_order_complete", "event:invoice.sent"],
  });

const description = z.string().max(500).openapi({ example: "Order sync to the ERP" });

export const endpointIdParam = z.object({
  id: z
    .string()
    .regex(/^ep_[0-9a-f]{32}$/, "is not a webhook endpoint id (ep_ and 32 hex digits)")
    .openapi({ param: { name: "id", in: "path" }, example: "ep_6f1c0c8e2b8d4b6f9a8e5d3c2b1a0f9e" }),
});

export const createEndpointBody = z
  .object({
    url,
    events,
    description: description.default(""),
    secret: z
      .string()
      .superRefine(problem(secretProblem))
      .optional()
      .openapi({ description: "A whsec_ secret of your own; omitted, one is generated. Returned once." }),
  })
  .strict()
  .openapi("WebhookEndpointInput");

export const updateEndpointBody = z
  .object({
    url: url.optional(),
    events: events.optional(),
    description: description.optional(),
    enabled: z.boolean().optional().openapi({ description: "false disables; true re-enables (as POST /enable)." }),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, "send at least one of url, events, description, enabled")
  .openapi("WebhookEndpointUpdate");

export const rotateSecretBody = z
  .object({
    secret: createEndpointBody.shape.secret,
    overlap_seconds: z.number().int().min(0).max(MAX_OVERLAP_SECONDS).default(DEFAULT_OVERLAP_SECONDS).openapi({
      description: "How long the replaced secret keeps signing deliveries too (default 24 h, at most 7 days).",
    }),
  })
  .strict()
  .openapi("WebhookSecretRotation");

export const replayBody = z
  .object({
    since: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: "Replay deliveries created at or after this time; omitted, all of them." }),
  })
  .strict()
  .openapi("WebhookReplay");

export const deliveryStatus = z.enum(["pending", "succeeded", "failed", "skipped"]);
export type DeliveryStatus = z.infer<typeof deliveryStatus>;

export const deliveriesQuery = z.object({
  status: deliveryStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

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
      .openapi({ description: "manual: an admin disabled it; failing: the disable rule did." }),
    disabled_at: z.string().nullable(),
    consecutive_failures: z.number().int().openapi({ description: "Exhausted deliveries since the last success." }),
    previous_secret_until: z
      .string()
      .nullable()
      .openapi({ description: "While set and in the future, deliveries are signed with the previous secret too." }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("WebhookEndpoint");
export type EndpointView = z.infer<typeof endpointView>;

export const createdEndpoint = z
  .object({
    endpoint: endpointView,
    secret: z.string().openapi({ description: "The signing secret. Shown this once: store it now." }),
  })
  .openapi("WebhookEndpointCreated");

export const rotatedSecret = z
  .object({
    secret: z.string().openapi({ description: "The new signing secret. Shown this once." }),
    previous_secret_until: z.string().nullable(),
  })
  .openapi("WebhookSecretRotated");

export const attemptView = z
  .object({
    attempt: z.number().int(),
    started_at: z.string(),
    duration_ms: z.number(),
    outcome: z.enum(["succeeded", "failed", "timeout"]),
    status_code: z.number().int().nullable(),
    response_excerpt: z.string().nullable().openapi({ description: "The first KiB of the response body." }),
    error: z.string().nullable(),
  })
  .openapi("WebhookAttempt");

export const deliveryView = z
  .object({
    id: z.string().openapi({ description: "The webhook-id header: stable across retries and replays." }),
    endpoint_id: z.string(),
    event_id: z.string(),
    event_type: z.string(),
    status: deliveryStatus,
    next_attempt_at: z.string().nullable(),
    last_error: z.string().nullable(),
    created_at: z.string(),
    completed_at: z.string().nullable(),
    attempts: z.array(attemptView),
  })
  .openapi("WebhookDelivery");
export type DeliveryView = z.infer<typeof deliveryView>;

/** A webhook_endpoints row as D1 returns it. */
export const endpointRow = z.object({
  id: z.string(),
  tenant_id: z.string(),
  url: z.string(),
  description: z.string(),
  events: z.string().transform((text) => z.array(z.string()).parse(JSON.parse(text))),
  enabled: z.number().transform((n) => n === 1),
  disabled_reason: z.enum(["manual", "failing"]).nullable(),
  disabled_at: z.string().nullable(),
  secret: z.string(),
  previous_secret: z.string().nullable(),
  previous_secret_until: z.string().nullable(),
  consecutive_failures: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type EndpointRow = z.infer<typeof endpointRow>;

/**
 * The message on the webhook-deliveries queue. It carries ids only: every attempt reads the delivery
 * and its endpoint from D1 anyway (the URL, the secrets and `enabled` may change between attempts), and
 * the body comes with that read, so a message is tiny whatever the payload (Queues allow 128 KB).
 */
export const webhookDeliveryMessage = z.object({
  type: z.literal("webhook_delivery"),
  delivery_id: z.string(),
  tenant_id: z.string(),
  endpoint_id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
});
export type WebhookDeliveryMessage = z.infer<typeof webhookDeliveryMessage>;
