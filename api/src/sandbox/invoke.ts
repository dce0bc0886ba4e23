/**
 * One call into a plugin isolate, as every caller makes it: under the effective
 * limits, with a wall-clock timeout the platform enforces itself, the outcome
 * recorded against the plugin, and any failure turned into a SandboxError. A call
 * that times out or hits a limit abandons its isolate, so a plugin stuck in a loop
 * never serves the next call. Each call runs under its tenant's quotas for the plugin (quotas.ts),
 * counted by the plugin's call meter under a random call id; a call that went over one fails with
 * QUOTA_EXCEEDED naming it, and keeps its isolate (nothing in it is stuck).
 */

import { isPermanentFailure, PERMANENT_FAILURE_MARK } from "@digital-commerce/plugin-sdk";
import type { Invocation, PluginWorkerApi } from "@digital-commerce/plugin-sdk/runtime";
import type { ApiEnv } from "../env.ts";
import { ledgerDb } from "../ledger/index.ts";
import type { Logger } from "../logging/index.ts";
import type { CallKind, CallOutcome, CallRecord } from "./accounting.ts";
import { logCall } from "./call-log.ts";
import { type MeteredCall, pluginDatabase, recordSecurityEvent } from "./capabilities/index.ts";
import { SandboxError, type SandboxErrorCode } from "./errors.ts";
import { effectiveLimits } from "./limits.ts";
import { abandonIsolate, pluginWorker, reachesNetwork } from "./loader.ts";
import { quotasFor } from "./quota-store.ts";
import type { SandboxTarget } from "./target.ts";

export interface SandboxDeps {
  env: ApiEnv;
  exports: Cloudflare.Exports;
  waitUntil(promise: Promise<unknown>): void;
  log: Logger;
  /**
   * Where the calls' accounting goes instead of the call log, for a caller that writes it in a ledger
   * call of its own (a consumer wave records it with the wave's outcomes, a request with its commit).
   */
  calls?: CallRecord[];
}

export interface PluginCall<T> {
  kind: CallKind;
  /** The hook, endpoint or callback name, for accounting. */
  name: string;
  /** A per-call timeout below the manifest's and the platform's (a hook's `timeout_ms`). */
  timeoutMs?: number;
  idempotencyKey?: string;
  traceId?: string;
  /** The queued delivery this call makes, which the plugin sees as `context.delivery`. */
  delivery?: Invocation["delivery"];
  /** The store session the request came with (auth plugins holding `sessions`): `context.session`. */
  session?: Invocation["session"];
  /** An endpoint call's path parameters: `context.params`. */
  params?: Invocation["params"];
  run(worker: PluginWorkerApi, invocation: Invocation): Promise<T>;
}

export function invocationOf(
  target: SandboxTarget,
  call: {
    idempotencyKey?: string;
    traceId?: string;
    delivery?: Invocation["delivery"];
    session?: Invocation["session"];
    params?: Invocation["params"];
  },
  budgetMs?: number,
): Invocation {
  return {
    ...(budgetMs ? { budget_ms: budgetMs } : {}),
    tenant: target.tenant,
    plugin: {
      id: `${target.slug}@${target.version}`,
      slug: target.slug,
      version: target.version,
      config: target.config,
    },
    ...(call.idempotencyKey ? { idempotency_key: call.idempotencyKey } : {}),
    // a delivery's key is the call's key unless the caller names another
    ...(call.delivery && !call.idempotencyKey ? { idempotency_key: call.delivery.idempotency_key } : {}),
    ...(call.traceId ? { trace_id: call.traceId } : {}),
    ...(call.delivery ? { delivery: call.delivery } : {}),
    ...(call.session ? { session: call.session } : {}),
    ...(call.params ? { params: call.params } : {}),
  };
}

// workerd's messages for the per-invocation limits it enforces (production), and for an isolate that ran out of memory
const LIMIT_PATTERN =
  /exceeded (its )?(cpu|CPU)|cpu time limit|too many subrequests|memory limit|out of memory|Worker exceeded resource limits/i;

// workerd's message when a call awaits something that can never settle
const HUNG_PATTERN = /code had hung and would never generate a response/;

// a capability's or the gate's refusal (CapabilityError), as RPC carries its message back through the plugin
const QUOTA_MARK = "QUOTA_EXCEEDED: ";

// a stub a plugin kept lives on past its call by at most this: work the call started and awaits at its end
const CALL_GRACE_MS = 5_000;

function classify(error: unknown): { code: SandboxErrorCode; outcome: CallOutcome; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  const quota = message.indexOf(QUOTA_MARK);
  if (quota >= 0)
    return { code: "QUOTA_EXCEEDED", outcome: "limit", message: message.slice(quota + QUOTA_MARK.length) };
  if (HUNG_PATTERN.test(message))
    return { code: "PLUGIN_TIMEOUT", outcome: "timeout", message: "it awaited a promise that can never settle" };
  if (message.includes("LOOP_GUARD:")) return { code: "PLUGIN_TIMEOUT", outcome: "timeout", message };
  if (LIMIT_PATTERN.test(message)) return { code: "PLUGIN_LIMIT_EXCEEDED", outcome: "limit", message };
  if (isPermanentFailure(message))
    return {
      code: "PLUGIN_FAILED_PERMANENTLY",
      outcome: "error",
      message: message.slice(PERMANENT_FAILURE_MARK.length + 2),
    };
  return { code: "PLUGIN_FAILED", outcome: "error", message };
}

export async function invokePlugin<T>(deps: SandboxDeps, target: SandboxTarget, call: PluginCall<T>): Promise<T> {
  const limits = effectiveLimits(target.manifest.limits, call.timeoutMs);
  const startedAt = new Date();
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // accounting goes to the isolate's call log, one ledger write per tenant per flush (call-log.ts)
  const record = (outcome: CallOutcome, error?: { code: string; message: string }) =>
    (deps.calls ? (call: CallRecord) => deps.calls?.push(call) : (call: CallRecord) => logCall(deps, call))({
      tenantId: target.tenant.id,
      slug: target.slug,
      kind: call.kind,
      name: call.name,
      startedAt: startedAt.toISOString(),
      durationMs: performance.now() - started,
      outcome,
      ...(error ? { error } : {}),
    });
  const owner = { tenantId: target.tenant.id, slug: target.slug };
  let opened: MeteredCall | null = null;
  try {
    const metered: MeteredCall = {
      id: crypto.randomUUID(),
      expiresAt: Date.now() + limits.timeoutMs + CALL_GRACE_MS,
      quotas: await quotasFor(ledgerDb(deps.env, target.tenant.id), target.tenant.id, target.slug),
    };
    // the gate counts requests per call only for calls it knows of (call-meter.ts): a plugin that cannot
    // reach the network has nothing to count, and its calls skip the round trip
    if (reachesNetwork(deps.env, target)) {
      await pluginDatabase(deps.env, owner).openCall(owner, metered);
      opened = metered;
    }
    const worker = pluginWorker(deps.env, deps.exports, target, limits, metered);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new SandboxError(
              "PLUGIN_TIMEOUT",
              `${target.slug} did not answer ${call.kind} ${call.name} within ${limits.timeoutMs} ms.`,
            ),
          ),
        limits.timeoutMs,
      );
    });
    const invocation: Invocation = {
      ...invocationOf(target, call, limits.timeoutMs),
      // the isolate drops lines past these itself; the log capability enforces them regardless
      log_budget: { lines: metered.quotas.log_lines_per_call, bytes: metered.quotas.log_bytes_per_call },
    };
    const result = await Promise.race([call.run(worker, invocation), timeout]);
    record("ok");
    return result;
  } catch (error) {
    if (error instanceof SandboxError && error.code === "PLUGIN_TIMEOUT") {
      abandonIsolate(deps.env, target);
      record("timeout", { code: error.code, message: error.message });
      deps.waitUntil(
        recordSecurityEvent(ledgerDb(deps.env, target.tenant.id), {
          tenantId: target.tenant.id,
          slug: target.slug,
          kind: "timeout",
          detail: error.message,
        }),
      );
      deps.log.warn({ plugin: target.slug, kind: call.kind, name: call.name, code: error.code }, error.message);
      throw error;
    }
    if (error instanceof SandboxError) {
      record("error", { code: error.code, message: error.message });
      throw error;
    }
    const failure = classify(error);
    if (failure.outcome !== "error" && failure.code !== "QUOTA_EXCEEDED") {
      abandonIsolate(deps.env, target);
      deps.waitUntil(
        recordSecurityEvent(ledgerDb(deps.env, target.tenant.id), {
          tenantId: target.tenant.id,
          slug: target.slug,
          kind: "limit_exceeded",
          detail: failure.message,
        }),
      );
    }
    record(failure.outcome, { code: failure.code, message: failure.message });
    deps.log.warn(
      { plugin: target.slug, kind: call.kind, name: call.name, code: failure.code, error: failure.message },
      "plugin call failed",
    );
    throw new SandboxError(failure.code, `${target.slug} failed in ${call.kind} ${call.name}: ${failure.message}`, {
      plugin: target.slug,
      kind: call.kind,
      name: call.name,
      // the plugin's own words, for a veto message the caller shows as it is
      reason: failure.message,
    });
  } finally {
    clearTimeout(timer);
    if (opened) {
      const callId = opened.id;
      deps.waitUntil(
        pluginDatabase(deps.env, owner)
          .closeCall(callId)
          .catch((e: unknown) => deps.log.error({ err: e, plugin: target.slug }, "could not close a call's meter")),
      );
    }
  }
}
