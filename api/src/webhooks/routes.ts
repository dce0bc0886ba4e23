/** The webhook admin routes as OpenAPI definitions, mounted at /api/admin/webhooks. */
import { createRoute, type z } from "@hono/zod-openapi";
import { errorBodySchema } from "../errors/index.ts";
import { notificationHooks } from "./event-types.ts";
import {
  createdEndpoint,
  createEndpointBody,
  deliveriesQuery,
  endpointIdParam,
  endpointList,
  endpointView,
  eventTypesView,
  replayBody,
  rotatedSecret,
  rotateSecretBody,
  updateEndpointBody,
  webhookDeliveryList,
  webhookReplayResult,
} from "./schemas.ts";

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});
const body = <T extends z.ZodType>(schema: T, required: boolean) => ({
  content: { "application/json": { schema } },
  required,
});
const errors = (...statuses: (400 | 404 | 409)[]) =>
  Object.fromEntries(
    [401, 403, ...statuses].map((s) => [
      s,
      json(
        errorBodySchema,
        {
          400: "Bad input; the message names each field",
          401: "No or bad token",
          403: "Role too low",
          404: "No such endpoint for this tenant",
          409: "The endpoint is disabled, or changed concurrently",
        }[s] ?? "Error",
      ),
    ]),
  );
const security = [{ Bearer: [] }];
const tags = ["Webhooks"];

export const listEventTypes = createRoute({
  method: "get",
  path: "/event-types",
  tags,
  security,
  summary: "List subscribable event types",
  responses: {
    200: json(eventTypesView, "The notification hooks, the custom event pattern and the wildcard"),
    ...errors(),
  },
});

export const createEndpoint = createRoute({
  method: "post",
  path: "/",
  tags,
  security,
  summary: "Register a webhook endpoint",
  description: `Subscribes a URL to event types. The signing secret is returned once. Event types: ${notificationHooks.join(", ")}, "event:<name>", "*".`,
  request: { body: body(createEndpointBody, true) },
  responses: { 201: json(createdEndpoint, "Registered; store the secret now"), ...errors(400) },
});

export const listEndpoints = createRoute({
  method: "get",
  path: "/",
  tags,
  security,
  summary: "List webhook endpoints",
  responses: { 200: json(endpointList, "This tenant's endpoints"), ...errors() },
});

export const getEndpoint = createRoute({
  method: "get",
  path: "/{id}",
  tags,
  security,
  summary: "Get a webhook endpoint",
  request: { params: endpointIdParam },
  responses: { 200: json(endpointView, "The endpoint (never its secret)"), ...errors(400, 404) },
});

export const updateEndpoint = createRoute({
  method: "patch",
  path: "/{id}",
  tags,
  security,
  summary: "Update a webhook endpoint",
  request: { params: endpointIdParam, body: body(updateEndpointBody, true) },
  responses: { 200: json(endpointView, "The updated endpoint"), ...errors(400, 404) },
});

export const deleteEndpoint = createRoute({
  method: "delete",
  path: "/{id}",
  tags,
  security,
  summary: "Delete a webhook endpoint",
  description: "Deletes the endpoint with its deliveries and attempts.",
  request: { params: endpointIdParam },
  responses: { 204: { description: "Deleted" }, ...errors(400, 404) },
});

export const rotateSecret = createRoute({
  method: "post",
  path: "/{id}/rotate-secret",
  tags,
  security,
  summary: "Rotate the signing secret",
  description:
    "Replaces the secret, returned once. Until previous_secret_until, deliveries carry a signature with each secret.",
  request: { params: endpointIdParam, body: body(rotateSecretBody, false) },
  responses: { 200: json(rotatedSecret, "The new secret"), ...errors(400, 404, 409) },
});

export const enableEndpoint = createRoute({
  method: "post",
  path: "/{id}/enable",
  tags,
  security,
  summary: "Re-enable a webhook endpoint",
  description: "Enables the endpoint and resets its failure count. Missed deliveries wait for POST /{id}/replay.",
  request: { params: endpointIdParam },
  responses: { 200: json(endpointView, "The enabled endpoint"), ...errors(400, 404) },
});

export const replay = createRoute({
  method: "post",
  path: "/{id}/replay",
  tags,
  security,
  summary: "Replay failed and skipped deliveries",
  description:
    "Sends again, each on a fresh retry schedule, the deliveries that failed or were skipped while the endpoint was disabled, since a time or all of them (at most 1000 a call).",
  request: { params: endpointIdParam, body: body(replayBody, false) },
  responses: {
    200: json(webhookReplayResult, "Queued again"),
    ...errors(400, 404, 409),
  },
});

export const listDeliveries = createRoute({
  method: "get",
  path: "/{id}/deliveries",
  tags,
  security,
  summary: "List an endpoint's deliveries",
  description: "Newest first, each with every attempt: status code, latency, response excerpt, error.",
  request: { params: endpointIdParam, query: deliveriesQuery },
  responses: { 200: json(webhookDeliveryList, "Deliveries"), ...errors(400, 404) },
});
