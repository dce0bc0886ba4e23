/** The admin API's routes for the hook pipeline: traces, events and their deliveries, dead letters. */
import { createRoute, z } from "@hono/zod-openapi";
import { deadLetterFilter } from "../deliveries/index.ts";
import { errorBodySchema } from "../errors/index.ts";
import {
  deadLetterList,
  eventList,
  eventView,
  purgeResult,
  replayManyBody,
  replayResult,
  traceView,
} from "./answers/index.ts";

export { eventView };

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
    200: json(eventList, "Events"),
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
    200: json(traceView, "The trace"),
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
  responses: { 200: json(deadLetterList, "Dead letters"), ...errors },
});

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
        "application/json": { schema: replayManyBody },
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
  responses: { 200: json(purgeResult, "Purged"), ...errors },
});

export const purgeMany = createRoute({
  method: "delete",
  path: "/dead-letters",
  tags: ["Pipeline"],
  security,
  summary: "Purge open dead letters matching the filter",
  request: { query: deadLetterFilter.omit({ all: true }) },
  responses: { 200: json(purgeResult, "Purged"), ...errors },
});
