/** Handlers of /api/admin/webhooks: every route reads or changes the calling token's tenant's endpoints only. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { requireRole } from "../auth/index.ts";
import { tenantDbOf, validationHook } from "../http/index.ts";
import { urlPolicyOf } from "../net/index.ts";
import { listDeliveries, replayDeliveries } from "./deliveries.ts";
import {
  createEndpoint,
  deleteEndpoint,
  type EndpointScope,
  enableEndpoint,
  endpointViewOf,
  findEndpoint,
  listEndpoints,
  rotateSecret,
  updateEndpoint,
} from "./endpoints.ts";
import { ALL_EVENTS, notificationHooks } from "./event-types.ts";
import * as routes from "./routes.ts";
import { DEFAULT_OVERLAP_SECONDS } from "./schemas.ts";

export const webhooksAdmin = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

/** Viewers read; registering, changing and rotating need admin or owner. */
webhooksAdmin.on(["POST", "PATCH", "PUT", "DELETE"], "*", requireRole("admin"));

function scopeOf(c: Context<AppEnv>): EndpointScope {
  return {
    db: tenantDbOf(c),
    tenantId: c.get("principal").tenantId,
    key: c.env.CONFIG_ENCRYPTION_KEY,
    urlPolicy: urlPolicyOf(c.env),
  };
}

const tenantOf = (c: Context<AppEnv>) => c.get("principal").tenantId;

webhooksAdmin.openapi(routes.listEventTypes, (c) =>
  c.json({ event_types: notificationHooks, custom: "event:<name>", all: ALL_EVENTS }, 200),
);

webhooksAdmin.openapi(routes.createEndpoint, async (c) => {
  return c.json(await createEndpoint(scopeOf(c), c.req.valid("json")), 201);
});

webhooksAdmin.openapi(routes.listEndpoints, async (c) => {
  return c.json({ endpoints: await listEndpoints(tenantDbOf(c), tenantOf(c)) }, 200);
});

webhooksAdmin.openapi(routes.getEndpoint, async (c) => {
  return c.json(endpointViewOf(await findEndpoint(tenantDbOf(c), tenantOf(c), c.req.valid("param").id)), 200);
});

webhooksAdmin.openapi(routes.updateEndpoint, async (c) => {
  return c.json(await updateEndpoint(scopeOf(c), c.req.valid("param").id, c.req.valid("json")), 200);
});

webhooksAdmin.openapi(routes.deleteEndpoint, async (c) => {
  await deleteEndpoint(tenantDbOf(c), tenantOf(c), c.req.valid("param").id);
  return c.body(null, 204);
});

webhooksAdmin.openapi(routes.rotateSecret, async (c) => {
  const body = c.req.valid("json");
  const rotated = await rotateSecret(scopeOf(c), c.req.valid("param").id, {
    secret: body?.secret,
    overlapSeconds: body?.overlap_seconds ?? DEFAULT_OVERLAP_SECONDS,
  });
  return c.json(rotated, 200);
});

webhooksAdmin.openapi(routes.enableEndpoint, async (c) => {
  return c.json(await enableEndpoint(tenantDbOf(c), tenantOf(c), c.req.valid("param").id), 200);
});

webhooksAdmin.openapi(routes.replay, async (c) => {
  const since = c.req.valid("json")?.since;
  return c.json(await replayDeliveries(c.env, tenantOf(c), c.req.valid("param").id, since), 200);
});

webhooksAdmin.openapi(routes.listDeliveries, async (c) => {
  const deliveries = await listDeliveries(tenantDbOf(c), tenantOf(c), c.req.valid("param").id, c.req.valid("query"));
  return c.json({ deliveries }, 200);
});
