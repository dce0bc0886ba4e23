/**
 * Inbound webhooks at /webhooks/:tenant/:slug/..., while the plugin is active for that tenant. A
 * webhook without `verify` is answered by its handler, as an endpoint is. A webhook with `verify` is
 * answered within milliseconds: the plugin's verify module checks the request on its raw body (a bad or
 * stale signature is refused with 400 and recorded), and the event it names is written to the outbox
 * under an id derived from the provider's event id, so an event the provider sends twice is queued once.
 * The hook-events queue delivers it to the plugin (its handler, or its category's handleWebhook) with
 * the pipeline's retries and dead letters; the request's trace id finds it.
 */

import { type Webhook, webhookEventSchema } from "@digital-commerce/plugin-sdk";
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { describeIssues, fieldIssues, RequestError } from "../errors/index.ts";
import { sandboxDepsOf } from "../http/index.ts";
import { ledgerDb } from "../ledger/index.ts";
import { flushOutbox, outboxEvent, WEBHOOK_TOPIC_PREFIX } from "../outbox/index.ts";
import { invokePlugin, recordSecurityEvent, SandboxError, type SandboxTarget, sha256Hex } from "../sandbox/index.ts";
import { PluginApiError } from "./errors.ts";
import { activeTarget, answered, forwarded } from "./routes.ts";

export const inboundWebhooks = new Hono<AppEnv>();

/** The outbox id of a provider's event: the same on every redelivery of it, distinct per tenant, plugin and path. */
async function inboundEventId(target: SandboxTarget, path: string, providerEventId: string): Promise<string> {
  const digest = await sha256Hex(`${target.tenant.id}\n${target.slug}\n${path}\n${providerEventId}`);
  return `whk_${digest.slice(0, 32)}`;
}

async function queueVerified(c: Context<AppEnv>, target: SandboxTarget, webhook: Webhook & { verify: string }) {
  const deps = sandboxDepsOf(c);
  const verdict = await invokePlugin(deps, target, {
    kind: "webhook",
    name: `verify ${webhook.path}`,
    traceId: c.get("traceId"),
    run: (worker, invocation) =>
      worker.verifyWebhook(webhook.verify, forwarded(c.req.raw, webhook.path, target.slug), invocation),
  });
  if (!verdict.accepted) {
    c.executionCtx.waitUntil(
      recordSecurityEvent(ledgerDb(c.env, target.tenant.id), {
        tenantId: target.tenant.id,
        slug: target.slug,
        kind: "webhook_refused",
        detail: `${c.req.method} ${webhook.path}: ${verdict.message}`,
      }),
    );
    throw new PluginApiError("WEBHOOK_REFUSED", `${target.slug} refused the webhook: ${verdict.message}`, {
      plugin: target.slug,
      path: webhook.path,
    });
  }
  const parsed = webhookEventSchema.safeParse(verdict.event);
  if (!parsed.success) {
    throw new SandboxError(
      "PLUGIN_FAILED",
      `${target.slug}'s verify step for ${webhook.path} returned something that is not an event: ${describeIssues(fieldIssues(parsed.error, "event"))}`,
      { plugin: target.slug, path: webhook.path },
    );
  }
  const event = parsed.data;
  const id = await inboundEventId(target, webhook.path, event.id);
  const db = ledgerDb(c.env, target.tenant.id);
  const outbox = outboxEvent(
    db,
    target.tenant.id,
    `${WEBHOOK_TOPIC_PREFIX}${webhook.path}`,
    target.slug,
    event,
    c.get("traceId"),
    id,
  );
  const [written] = await db.batch([outbox.statement]);
  const duplicate = written?.meta.changes === 0;
  // a duplicate was queued when it first came (or is re-driven from its row): sending it again adds nothing
  if (!duplicate) await flushOutbox(db, c.env, [outbox], c.get("log"));
  c.get("log").info({ plugin: target.slug, event_id: id, provider_event: event.id, duplicate }, "webhook queued");
  return c.json({ received: true, event_id: id, provider_event_id: event.id, duplicate }, 200);
}

inboundWebhooks.all("/webhooks/:tenant/:slug/*", async (c) => {
  const { tenant: tenantSlug, slug } = c.req.param();
  const tenant = await c.env.DB.prepare("SELECT id FROM tenants WHERE slug = ?")
    .bind(tenantSlug)
    .first<{ id: string }>();
  if (!tenant) throw new RequestError("NOT_FOUND", `No store "${tenantSlug}".`);
  const path = c.req.path.slice(`/webhooks/${tenantSlug}/${slug}`.length) || "/";
  const target = await activeTarget(c, tenant.id, slug);
  const webhook = target.manifest.webhooks.find((w: Webhook) => w.path === path);
  if (webhook?.verify) return await queueVerified(c, target, { ...webhook, verify: webhook.verify });
  if (!webhook?.handler) {
    throw new RequestError("NOT_FOUND", `${slug} has no webhook handler at ${path}.`);
  }
  const handler = webhook.handler;
  const response = await invokePlugin(sandboxDepsOf(c), target, {
    kind: "webhook",
    name: path,
    traceId: c.get("traceId"),
    run: (worker, invocation) => worker.handleRequest(handler, forwarded(c.req.raw, path, slug), invocation),
  });
  return answered(c, target, response, `/webhooks/${tenantSlug}/${slug}`);
});
