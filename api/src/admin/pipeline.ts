/** Admin handlers for the hook pipeline: what happened to a request or an event, and the dead letters. */

import { OpenAPIHono, type z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env.ts";
import { requireRole } from "../auth/index.ts";
import { deliveriesOfEvent, listDeadLetters, purgeDeadLetters, replayDeadLetters } from "../deliveries/index.ts";
import { RequestError } from "../errors/index.ts";
import { chainsOfTrace } from "../hooks/index.ts";
import { tenantDbOf, validationHook } from "../http/index.ts";
import type { TenantDb } from "../ledger/tenant-db.ts";
import { webhookDeliveriesOfEvent } from "../webhooks/index.ts";
import * as routes from "./pipeline-routes.ts";

export const pipelineAdmin = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

pipelineAdmin.on(["POST", "DELETE"], "/dead-letters/*", requireRole("admin"));
pipelineAdmin.on(["DELETE"], "/dead-letters", requireRole("admin"));

type EventRow = Omit<z.infer<typeof routes.eventView>, "deliveries" | "webhook_deliveries" | "payload"> & {
  payload: string;
};

const eventColumns = "id, hook, plugin_slug, trace_id, queue, created_at, sent_at";

async function eventViews(db: TenantDb, tenantId: string, rows: EventRow[]) {
  return await Promise.all(
    rows.map(async (row) => ({
      ...row,
      payload: JSON.parse(row.payload) as unknown,
      deliveries: await deliveriesOfEvent(db, tenantId, row.id),
      webhook_deliveries: await webhookDeliveriesOfEvent(db, tenantId, row.id),
    })),
  );
}

pipelineAdmin.openapi(routes.getEvent, async (c) => {
  const { id } = c.req.valid("param");
  const tenantId = c.get("principal").tenantId;
  const row = await tenantDbOf(c)
    .prepare(`SELECT ${eventColumns}, payload FROM outbox WHERE tenant_id = ? AND id = ?`)
    .bind(tenantId, id)
    .first<EventRow>();
  if (!row) throw new RequestError("NOT_FOUND", `No event "${id}" for this tenant.`);
  const [view] = await eventViews(tenantDbOf(c), tenantId, [row]);
  return c.json(view as z.infer<typeof routes.eventView>, 200);
});

pipelineAdmin.openapi(routes.listEvents, async (c) => {
  const { hook, limit } = c.req.valid("query");
  const tenantId = c.get("principal").tenantId;
  const { results } = await tenantDbOf(c)
    .prepare(
      `SELECT ${eventColumns} FROM outbox WHERE tenant_id = ? ${hook ? "AND hook = ?" : ""} ORDER BY created_at DESC LIMIT ?`,
    )
    .bind(tenantId, ...(hook ? [hook] : []), limit)
    .all<Omit<EventRow, "payload">>();
  return c.json({ events: results }, 200);
});

pipelineAdmin.openapi(routes.getTrace, async (c) => {
  const { id } = c.req.valid("param");
  const tenantId = c.get("principal").tenantId;
  const [chains, { results }] = await Promise.all([
    chainsOfTrace(tenantDbOf(c), tenantId, id),
    tenantDbOf(c)
      .prepare(`SELECT ${eventColumns}, payload FROM outbox WHERE tenant_id = ? AND trace_id = ? ORDER BY created_at`)
      .bind(tenantId, id)
      .all<EventRow>(),
  ]);
  if (chains.length === 0 && results.length === 0) {
    throw new RequestError("NOT_FOUND", `No trace "${id}" for this tenant: it ran no hooks and wrote no events.`);
  }
  const events = await eventViews(tenantDbOf(c), tenantId, results);
  return c.json({ trace_id: id, before_hooks: chains, events: events as z.infer<typeof routes.eventView>[] }, 200);
});

pipelineAdmin.openapi(routes.listDeadLetters, async (c) => {
  const filter = c.req.valid("query");
  return c.json({ dead_letters: await listDeadLetters(tenantDbOf(c), c.get("principal").tenantId, filter) }, 200);
});

pipelineAdmin.openapi(routes.replayOne, async (c) => {
  const { id } = c.req.valid("param");
  const result = await replayDeadLetters(c.env, c.get("principal").tenantId, { id });
  if (result.replayed.length === 0 && result.skipped.length === 0) {
    throw new RequestError("NOT_FOUND", `No open dead letter "${id}" for this tenant (replayed already, or purged).`);
  }
  return c.json(result, 200);
});

pipelineAdmin.openapi(routes.replayMany, async (c) => {
  const { plugin, hook } = c.req.valid("json");
  return c.json(
    await replayDeadLetters(c.env, c.get("principal").tenantId, { plugin, ...(hook ? { hook } : {}) }),
    200,
  );
});

pipelineAdmin.openapi(routes.purgeOne, async (c) => {
  const { id } = c.req.valid("param");
  const purged = await purgeDeadLetters(tenantDbOf(c), c.get("principal").tenantId, { id, all: "true" });
  if (purged === 0) throw new RequestError("NOT_FOUND", `No dead letter "${id}" for this tenant.`);
  return c.json({ purged }, 200);
});

pipelineAdmin.openapi(routes.purgeMany, async (c) => {
  const filter = c.req.valid("query");
  return c.json({ purged: await purgeDeadLetters(tenantDbOf(c), c.get("principal").tenantId, filter) }, 200);
});
