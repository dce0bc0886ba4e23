/**
 * One attempt of one delivery: claim it (a duplicate or concurrent copy of the message
 * finds it claimed or done and runs nothing), run the plugin's handlers of the hook in
 * its isolate with the delivery's idempotency key, record the attempt, and say what the
 * queue should do with the message: ack, retry after a backoff, or dead-letter.
 */

import {
  backoffSeconds,
  claimDelivery,
  type DeliveryMessage,
  recordFailure,
  recordSuccess,
  retryPolicy,
} from "../../api/src/deliveries/index.ts";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { eventPayload, WEBHOOK_TOPIC_PREFIX } from "../../api/src/outbox/index.ts";
import { findTarget, invokePlugin, type SandboxDeps, SandboxError } from "../../api/src/sandbox/index.ts";
import type { ConsumerEnv } from "./env.ts";
import { runWebhook } from "./run-webhook.ts";
import { withTransientRetries } from "./transient.ts";

export type Verdict =
  | { action: "ack" }
  | { action: "retry"; delaySeconds: number }
  | { action: "dead-letter"; error: string; attempts: number };

/** A claimed delivery whose lease is still running elsewhere is looked at again when the lease ends. */
function afterLease(leaseUntil: string | null): number {
  const seconds = leaseUntil ? Math.ceil((Date.parse(leaseUntil) - Date.now()) / 1000) : 1;
  return Math.min(Math.max(seconds, 1), 300);
}

export async function runDelivery(
  deps: SandboxDeps & { env: ConsumerEnv },
  message: DeliveryMessage,
): Promise<Verdict> {
  const { env, log } = deps;
  const db = ledgerDb(env, message.tenant_id);
  const claim = await withTransientRetries(() => claimDelivery(db, message.delivery_id));
  if (!claim.claimed) {
    if (claim.status === "running") return { action: "retry", delaySeconds: afterLease(claim.leaseUntil) };
    // succeeded or dead: this copy is a duplicate, and its work is done or recorded
    if (claim.status === "missing") log.warn({ delivery: message.delivery_id }, "delivery row is missing; dropped");
    return { action: "ack" };
  }
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const attemptOf = (outcome: "succeeded" | "failed" | "timeout", error?: string) => ({
    deliveryId: message.delivery_id,
    startedAt,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
    outcome,
    ...(error ? { error } : {}),
  });
  let outcome: "succeeded" | "failed" | "timeout" = "succeeded";
  let error: string | undefined;
  let final = false;
  try {
    const target = await withTransientRetries(() => findTarget(env, message.tenant_id, message.plugin_slug));
    if (target?.state !== "active") {
      // replay it once the plugin is active again
      final = true;
      throw new Error(`${message.plugin_slug} is not active for this tenant`);
    }
    const payload =
      message.payload !== undefined
        ? message.payload
        : await withTransientRetries(() =>
            eventPayload(db, {
              id: message.event_id,
              type: "event",
              tenant_id: message.tenant_id,
              hook: message.hook,
              plugin_slug: null,
              created_at: "",
            }),
          );
    const delivery = {
      id: message.delivery_id,
      event_id: message.event_id,
      hook: message.hook,
      attempt: claim.attempt,
      idempotency_key: message.delivery_id,
    };
    if (message.hook.startsWith(WEBHOOK_TOPIC_PREFIX)) {
      await runWebhook(deps, target, message, delivery, payload);
    } else {
      const registrations = target.manifest.hooks
        .filter((h) => h.name === message.hook)
        .sort((a, b) => a.priority - b.priority || a.handler.localeCompare(b.handler));
      for (const registration of registrations) {
        await invokePlugin(deps, target, {
          kind: "hook",
          name: message.hook,
          ...(registration.timeout_ms ? { timeoutMs: registration.timeout_ms } : {}),
          delivery,
          run: (worker, invocation) => worker.runHook(registration.handler, payload, invocation),
        });
      }
    }
  } catch (e) {
    outcome = e instanceof SandboxError && e.code === "PLUGIN_TIMEOUT" ? "timeout" : "failed";
    error = e instanceof Error ? e.message : String(e);
    // the plugin said every retry would fail the same way: dead-letter now, for the operator to fix and replay
    if (e instanceof SandboxError && e.code === "PLUGIN_FAILED_PERMANENTLY") final = true;
  }
  if (outcome === "succeeded") {
    await withTransientRetries(() => recordSuccess(db, attemptOf("succeeded")));
    return { action: "ack" };
  }
  final ||= claim.attempt >= claim.maxAttempts;
  await withTransientRetries(() => recordFailure(db, attemptOf(outcome, error), final));
  log.warn(
    { delivery: message.delivery_id, plugin: message.plugin_slug, hook: message.hook, attempt: claim.attempt, error },
    final ? "delivery failed for good; dead-lettering it" : "delivery failed; it will be retried",
  );
  if (final) return { action: "dead-letter", error: error ?? "failed", attempts: claim.attempt };
  const policy = retryPolicy(env);
  return { action: "retry", delaySeconds: backoffSeconds(policy, claim.attempt) };
}
