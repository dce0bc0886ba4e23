/** The admin API's routes for the hook pipeline: traces, events and their deliveries, dead letters. */
import { createRoute, z } from "@hono/zod-openapi";
import { deadLetterFilter, deadLetterSchema, deliverySchema } from "../deliveries/index.ts";
import { errorBodySchema } from "../errors/index.ts";
import { chainTraceSchema } from "../hooks/index.ts";
import { deliveryView } from "../webhooks/index.ts";

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});
const errors = {
  400: json(errorBodySchema, "Bad input"),
  401: json(errorBodySchema, "No or bad token"),
  403: json(errorBodySchema, "Role too low"),
  404: json(errorBodySchema, "Not found"),
};
const security = [{ Bearer: [] }];

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
    webhook_deliveries: z.array(deliveryView),
  })
  .meta({ id: "Event" });

const eventIdParam = z.object({ id: z.string().min(1).max(300) });

export const getEvent = createRoute({
  method: "get",
  path: "/events/{id}",
  tags: ["Pipeline"],
  security,
  summary: "An event's trace: its deliveries and every attempt, with timings and errors",
  request: { params: eventIdParam },
  responses: { 200: json(eventView, "The event"), ...errors },
});

export const listEvents = createRoute({
  method: "get",
  path: "/events",
  tags: ["Pipeline"],
  security,
  summary: "Recent events, newest first",
  request: {
    query: z.object({
      hook: z.string().optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: {
    200: json(
      z.object({ events: z.array(eventView.omit({ deliveries: true, webhook_deliveries: true, payload: true })) }),
      "Events",
    ),
    ...errors,
  },
});

export const getTrace = createRoute({
  method: "get",
  path: "/traces/{id}",
  tags: ["Pipeline"],
  security,
  summary: "A request's trace: the before hooks it ran, then its events and their deliveries",
  request: { params: eventIdParam },
  responses: {
    200: json(
      z.object({ trace_id: z.string(), before_hooks: z.array(chainTraceSchema), events: z.array(eventView) }),
      "The trace",
    ),
    ...errors,
  },
});

export const listDeadLetters = createRoute({
  method: "get",
  path: "/dead-letters",
  tags: ["Pipeline"],
  security,
  summary: "Dead letters, newest first; filter by plugin and hook",
  request: { query: deadLetterFilter },
  responses: { 200: json(z.object({ dead_letters: z.array(deadLetterSchema) }), "Dead letters"), ...errors },
});

const replayResult = z
  .object({
    replayed: z.array(z.string()),
    skipped: z.array(z.object({ id: z.string(), reason: z.string() })),
  })
  .meta({ id: "ReplayResult" });

export const replayOne = createRoute({
  method: "post",
  path: "/dead-letters/{id}/replay",
  tags: ["Pipeline"],
  security,
  summary: "Replay one dead letter: its delivery gets a fresh run of attempts",
  request: { params: eventIdParam },
  responses: { 200: json(replayResult, "Replayed"), ...errors },
});

export const replayMany = createRoute({
  method: "post",
  path: "/dead-letters/replay",
  tags: ["Pipeline"],
  security,
  summary: "Replay every open dead letter of a plugin (optionally of one hook)",
  request: {
    body: {
      content: {
        "application/json": { schema: z.object({ plugin: z.string().min(1), hook: z.string().optional() }) },
      },
      required: true,
    },
  },
  responses: { 200: json(replayResult, "Replayed"), ...errors },
});

export const purgeOne = createRoute({
  method: "delete",
  path: "/dead-letters/{id}",
  tags: ["Pipeline"],
  security,
  summary: "Purge one dead letter",
  request: { params: eventIdParam },
  responses: { 200: json(z.object({ purged: z.number().int() }), "Purged"), ...errors },
});

export const purgeMany = createRoute({
  method: "delete",
  path: "/dead-letters",
  tags: ["Pipeline"],
  security,
  summary: "Purge open dead letters matching the filter",
  request: { query: deadLetterFilter.omit({ all: true }) },
  responses: { 200: json(z.object({ purged: z.number().int() }), "Purged"), ...errors },
});
