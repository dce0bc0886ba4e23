/**
 * Consumes the analytics-events queue: each batch goes, per tenant, to every active analytics
 * plugin in ONE call (`trackEvent` once per event inside the isolate), so a burst of events costs
 * one isolate round trip per plugin, not one per event. Each (event, plugin) is a delivery of its
 * own: a retried message re-runs only the plugins that have not yet taken it, and a plugin that
 * keeps failing an event dead-letters that delivery alone.
 */

import { eventDataSchema } from "@digital-commerce/plugin-sdk";
import {
  type AttemptRecord,
  backoffSeconds,
  claimDeliveries,
  deliveryId,
  failureStatements,
  insertDeliveries,
  retryPolicy,
  successStatements,
} from "../../api/src/deliveries/index.ts";
import { ledgerDb, runLedger } from "../../api/src/ledger/index.ts";
import { eventPayload, type HookEventMessage, hookEventMessage } from "../../api/src/outbox/index.ts";
import { callPluginMethodBatch, type SandboxDeps, type SandboxTarget } from "../../api/src/sandbox/index.ts";
import type { ConsumerEnv } from "./env.ts";
import { runInOrder } from "./fair-share.ts";
import { adoptView, type CachedView, heldView, targetIn } from "./tenant-views.ts";

type Deps = SandboxDeps & { env: ConsumerEnv };
type Item = { message: Message<unknown>; event: HookEventMessage; data: unknown };

/** What each message still needs after this batch: nothing (ack), or a retry after `delay`. */
class Verdicts {
  readonly retry = new Map<Message<unknown>, number>();
  later(message: Message<unknown>, delaySeconds: number) {
    this.retry.set(message, Math.max(this.retry.get(message) ?? 0, delaySeconds));
  }
}

async function deliverToPlugin(deps: Deps, target: SandboxTarget, items: Item[], verdicts: Verdicts): Promise<void> {
  const { env } = deps;
  const policy = retryPolicy(env, undefined, "analytics-events");
  const idOf = (item: Item) => deliveryId(item.event.id, target.slug, "analytics");
  // one tenant's items: the batch was grouped by tenant before this
  const db = ledgerDb(env, target.tenant.id);
  await db.batch(
    insertDeliveries(
      db,
      items.map((item) => ({
        id: idOf(item),
        eventId: item.event.id,
        tenantId: item.event.tenant_id,
        pluginSlug: target.slug,
        hook: item.event.hook,
        maxAttempts: policy.maxAttempts,
      })),
    ),
  );
  const claims = await claimDeliveries(db, items.map(idOf));
  const claimed = items.filter((item) => claims.has(idOf(item)));
  if (claimed.length === 0) return;
  const startedAt = new Date().toISOString();
  const started = performance.now();
  let outcomes: { ok: boolean; error?: { message: string } }[];
  try {
    outcomes = await callPluginMethodBatch(
      deps,
      target,
      "trackEvent",
      claimed.map((item) => [item.data]),
    );
  } catch (error) {
    // the whole call failed (timeout, isolate): every event of it failed this attempt
    const message = error instanceof Error ? error.message : String(error);
    outcomes = claimed.map(() => ({ ok: false, error: { message } }));
  }
  const durationMs = Math.round((performance.now() - started) * 100) / 100;
  const statements: D1PreparedStatement[] = [];
  const dead: { item: Item; error: string }[] = [];
  claimed.forEach((item, i) => {
    const outcome = outcomes[i] ?? { ok: false, error: { message: "no outcome" } };
    const claim = claims.get(idOf(item)) ?? { attempt: 1, maxAttempts: policy.maxAttempts };
    const attempt: AttemptRecord = {
      deliveryId: idOf(item),
      startedAt,
      durationMs,
      outcome: outcome.ok ? "succeeded" : "failed",
      ...(outcome.ok ? {} : { error: outcome.error?.message ?? "failed" }),
    };
    if (outcome.ok) {
      statements.push(...successStatements(db, attempt));
      return;
    }
    const final = claim.attempt >= claim.maxAttempts;
    statements.push(...failureStatements(db, attempt, final));
    if (final) dead.push({ item, error: attempt.error ?? "failed" });
    else verdicts.later(item.message, backoffSeconds(policy, claim.attempt));
  });
  await db.batch(statements);
  for (const { item, error } of dead) {
    await env.ANALYTICS_EVENTS_DLQ.send(
      { ...item.event, delivery_id: idOf(item), plugin_slug: target.slug, hook: item.event.hook, last_error: error },
      { contentType: "json" },
    );
  }
}

export async function consumeAnalyticsEvents(batch: MessageBatch<unknown>, deps: Deps): Promise<void> {
  const byTenant = new Map<string, Item[]>();
  const seen = new Set<string>();
  for (const message of batch.messages) {
    const parsed = hookEventMessage.safeParse(message.body);
    if (!parsed.success) {
      deps.log.error({ message_id: message.id, issues: parsed.error.issues }, "malformed analytics message");
      message.retry();
      continue;
    }
    const event = parsed.data;
    // a second copy of an event in the same batch (a re-drive, a duplicate delivery) would pass the
    // claim with the first: the first copy's message stays until its deliveries are recorded
    if (seen.has(event.id)) {
      message.ack();
      continue;
    }
    seen.add(event.id);
    try {
      // the event's id goes with it: a provider counts a redelivered event once by it
      const data = {
        ...eventDataSchema.parse(await eventPayload(ledgerDb(deps.env, event.tenant_id), event)),
        id: event.id,
      };
      byTenant.set(event.tenant_id, [...(byTenant.get(event.tenant_id) ?? []), { message, event, data }]);
    } catch (error) {
      deps.log.error({ err: error, event_id: event.id }, "analytics event payload unreadable");
      message.retry({ delaySeconds: 30 });
    }
  }
  const verdicts = new Verdicts();
  const work: { target: SandboxTarget; items: Item[] }[] = [];
  for (const [tenantId, items] of byTenant) {
    try {
      // one call: the events marked received, and the tenant's plugins unless this isolate's view is current
      const held = heldView(tenantId);
      const stale = await runLedger(deps.env, tenantId, "view", {
        tenantId,
        known: held?.generation ?? null,
        sent: items.map((item) => item.event.id),
      });
      const view = stale ? adoptView(tenantId, stale) : (held as CachedView);
      const active = [...view.installations.values()].filter((i) => i.state === "active");
      const targets = (await Promise.all(active.map((i) => targetIn(deps.env, view, i.slug)))).filter(
        (t): t is SandboxTarget => t?.manifest.category === "analytics",
      );
      for (const target of targets) work.push({ target, items });
    } catch (error) {
      deps.log.error({ err: error, tenant: tenantId }, "could not read the tenant's analytics plugins");
      for (const item of items) verdicts.later(item.message, 30);
    }
  }
  // one isolate per tenant and plugin, at most 4 in flight
  await runInOrder(work, async ({ target, items }) => {
    try {
      await deliverToPlugin(deps, target, items, verdicts);
    } catch (error) {
      deps.log.error({ err: error, plugin: target.slug }, "analytics delivery could not be recorded; retrying");
      for (const item of items) verdicts.later(item.message, 30);
    }
  });
  for (const items of byTenant.values()) {
    for (const { message } of items) {
      const delay = verdicts.retry.get(message);
      if (delay === undefined) message.ack();
      else message.retry({ delaySeconds: delay });
    }
  }
}
