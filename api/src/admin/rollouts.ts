/**
 * Handlers of a plugin's versions catalogue and its canary rollouts. The catalogue is any token's
 * (it names other tenants only to a plugins:publish token); rollouts act on every tenant that has the
 * plugin, so they need the plugins:publish scope, as publishing does, and changes the admin role.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { requireRole, requireScope } from "../auth/index.ts";
import { forgetSubscribers } from "../hooks/index.ts";
import { validationHook } from "../http/index.ts";
import { versionsOf } from "../registry/index.ts";
import {
  type FleetDeps,
  listRollouts,
  type RolloutView,
  reindexPlugin,
  rolloutById,
  startRollout,
  stopRollout,
  versionsCatalogue,
  widenRollout,
} from "../rollouts/index.ts";
import type { RolloutView as RolloutAnswer } from "./answers/index.ts";
import { forgetTenant } from "./read-cache.ts";
import * as routes from "./rollout-routes.ts";

export const rolloutsAdmin = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const reachesPast = requireScope(
  "plugins:publish",
  "A rollout reaches past the calling tenant, to every tenant that has the plugin",
);
for (const path of ["/:slug/rollouts", "/:slug/rollouts/*", "/:slug/versions/reindex"]) {
  rolloutsAdmin.on("POST", path, requireRole("admin"));
  rolloutsAdmin.use(path, reachesPast);
}

/** What a rollout needs from the request to act in other tenants' scopes; their cached views go when it moves them. */
function fleetOf(c: Context<AppEnv>): FleetDeps {
  return {
    env: c.env,
    exports: c.executionCtx.exports,
    waitUntil: (promise) => c.executionCtx.waitUntil(promise),
    log: c.get("log"),
    changed: (tenantId) => {
      forgetTenant(tenantId);
      forgetSubscribers(tenantId);
    },
  };
}

function answerOf(view: RolloutView): RolloutAnswer {
  return {
    ...view,
    tenants: view.tenants.map(({ rank: _, reason_code, reason, ...t }) => ({
      ...t,
      reason: reason_code === null ? null : { code: reason_code, message: reason ?? "" },
    })),
  };
}

rolloutsAdmin.openapi(routes.versions, async (c) => {
  const { tenantId, scopes } = c.get("principal");
  const { slug } = c.req.valid("param");
  return c.json(
    await versionsCatalogue(c.env, slug, { tenantId, seesTenants: scopes.includes("plugins:publish") }),
    200,
  );
});

rolloutsAdmin.openapi(routes.reindex, async (c) => {
  const { slug } = c.req.valid("param");
  await versionsOf(c.env.DB, slug);
  const result = await reindexPlugin(c.env, slug);
  c.get("log").info({ plugin: slug, ...result }, "tenant plugin index repaired");
  return c.json(result, 200);
});

rolloutsAdmin.openapi(routes.listRollouts, async (c) => {
  const { slug } = c.req.valid("param");
  await versionsOf(c.env.DB, slug);
  return c.json({ rollouts: await listRollouts(c.env.DB, slug) }, 200);
});

rolloutsAdmin.openapi(routes.startRollout, async (c) => {
  const { slug } = c.req.valid("param");
  const view = await startRollout(fleetOf(c), slug, c.req.valid("json"), c.get("principal").tenantId);
  return c.json(answerOf(view), 201);
});

rolloutsAdmin.openapi(routes.getRollout, async (c) => {
  const { slug, id } = c.req.valid("param");
  return c.json(answerOf(await rolloutById(fleetOf(c), slug, id)), 200);
});

rolloutsAdmin.openapi(routes.widenRollout, async (c) => {
  const { slug, id } = c.req.valid("param");
  return c.json(answerOf(await widenRollout(fleetOf(c), slug, id, c.req.valid("json"))), 200);
});

rolloutsAdmin.openapi(routes.stopRollout, async (c) => {
  const { slug, id } = c.req.valid("param");
  return c.json(answerOf(await stopRollout(fleetOf(c), slug, id)), 200);
});
