/**
 * One attempt of one claimed delivery: run the plugin's handlers of the hook in its isolate with the
 * delivery's idempotency key, and say what to record (the attempt, and whether the delivery is now
 * dead) and what the queue should do with the message: ack, retry after a backoff, or dead-letter.
 * Claiming and recording are the wave's (deliveries-wave.ts), one ledger call each for a whole tenant.
 */

import {
  type AttemptRecord,
  backoffSeconds,
  type DeliveryMessage,
  type Outcome,
  retryPolicy,
} from "../../api/src/deliveries/index.ts";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { eventPayload, WEBHOOK_TOPIC_PREFIX } from "../../api/src/outbox/index.ts";
import { invokePlugin, type SandboxDeps, SandboxError, type SandboxTarget } from "../../api/src/sandbox/index.ts";
import type { ConsumerEnv } from "./env.ts";
import { runWebhook } from "./run-webhook.ts";
import { withTransientRetries } from "./transient.ts";

export type Verdict =
  | { action: "ack" }
  | { action: "retry"; delaySeconds: number }
  | { action: "dead-letter"; error: string; attempts: number };

/** A claimed delivery whose lease is still running elsewhere is looked at again when the lease ends. */
export function afterLease(leaseUntil: string | null): number {
  const seconds = leaseUntil ? Math.ceil((Date.parse(leaseUntil) - Date.now()) / 1000) : 1;
  return Math.min(Math.max(seconds, 1), 300);
}

export interface Attempted {
  outcome: Outcome;
  verdict: Verdict;
}

async function runHandlers(
  deps: SandboxDeps & { env: ConsumerEnv },
  target: SandboxTarget,
  message: DeliveryMessage,
  attempt: number,
): Promise<void> {
  const payload =
    message.payload !== undefined
      ? message.payload
      : await withTransientRetries(() =>
          eventPayload(ledgerDb(deps.env, message.tenant_id), {
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
    attempt,
    idempotency_key: message.delivery_id,
  };
  if (message.hook.startsWith(WEBHOOK_TOPIC_PREFIX)) {
    await runWebhook(deps, target, message, delivery, payload);
    return;
  }
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

/**
 * Runs one claimed attempt against the tenant's installation of the plugin (`targetOf`: null when it has
 * none); a target that cannot be built (the catalogue unreachable) fails the attempt like the plugin would.
 */
export async function attemptDelivery(
  deps: SandboxDeps & { env: ConsumerEnv },
  targetOf: () => Promise<SandboxTarget | null>,
  message: DeliveryMessage,
  claim: { attempt: number; maxAttempts: number },
): Promise<Attempted> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  // the version active when the attempt ran (an upgrade between attempts shows as two versions)
  let version: string | undefined;
  const attemptOf = (outcome: "succeeded" | "failed" | "timeout", error?: string): AttemptRecord => ({
    deliveryId: message.delivery_id,
    startedAt,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
    outcome,
    ...(error ? { error } : {}),
    ...(version ? { pluginVersion: version } : {}),
  });
  let outcome: "succeeded" | "failed" | "timeout" = "succeeded";
  let error: string | undefined;
  let final = false;
  try {
    const target = await withTransientRetries(targetOf);
    version = target?.version;
    if (target?.state !== "active") {
      // replay it once the plugin is active again
      final = true;
      throw new Error(`${message.plugin_slug} is not active for this tenant`);
    }
    await runHandlers(deps, target, message, claim.attempt);
  } catch (e) {
    outcome = e instanceof SandboxError && e.code === "PLUGIN_TIMEOUT" ? "timeout" : "failed";
    error = e instanceof Error ? e.message : String(e);
    // the plugin said every retry would fail the same way: dead-letter now, for the operator to fix and replay
    if (e instanceof SandboxError && e.code === "PLUGIN_FAILED_PERMANENTLY") final = true;
  }
  if (outcome === "succeeded")
    return { outcome: { attempt: attemptOf("succeeded"), final: false }, verdict: { action: "ack" } };
  final ||= claim.attempt >= claim.maxAttempts;
  deps.log.warn(
    { delivery: message.delivery_id, plugin: message.plugin_slug, hook: message.hook, attempt: claim.attempt, error },
    final ? "delivery failed for good; dead-lettering it" : "delivery failed; it will be retried",
  );
  const recorded = { attempt: attemptOf(outcome, error), final };
  if (final) {
    return { outcome: recorded, verdict: { action: "dead-letter", error: error ?? "failed", attempts: claim.attempt } };
  }
  return {
    outcome: recorded,
    verdict: { action: "retry", delaySeconds: backoffSeconds(retryPolicy(deps.env), claim.attempt) },
  };
}
