/**
 * Shapes of outbound webhooks: admin requests (the OpenAPI document comes from these and from the views),
 * D1 rows, the queue message. The views the admin API answers live in admin/answers, shared with the CLI
 * and the dashboard, and are re-exported here under this module's names.
 */
import { z } from "@hono/zod-openapi";
import { webhookDeliveryStatus as deliveryStatus } from "../admin/answers/index.ts";
import { urlProblem } from "../net/index.ts";
import { ALL_EVENTS, eventTypeProblem, notificationHooks } from "./event-types.ts";
import { secretProblem } from "./secrets.ts";

export {
  createdEndpoint,
  type EndpointView,
  endpointList,
  endpointView,
  eventTypesView,
  rotatedSecret,
  type WebhookDelivery as DeliveryView,
  type WebhookDeliveryStatus as DeliveryStatus,
  webhookAttemptView as attemptView,
  webhookDeliveryList,
  webhookDeliveryStatus as deliveryStatus,
  webhookDeliveryView as deliveryView,
  webhookReplayResult,
} from "../admin/answers/index.ts";

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

export const deliveriesQuery = z.object({
  status: deliveryStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

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
