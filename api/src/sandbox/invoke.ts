/**
 * One call into a plugin isolate, as every caller makes it: under the effective
 * limits, with a wall-clock timeout the platform enforces itself, the outcome
 * recorded against the plugin, and any failure turned into a SandboxError. A call
 * that times out or hits a limit abandons its isolate, so a plugin stuck in a loop
 * never serves the next call.
 */

import { isPermanentFailure, PERMANENT_FAILURE_MARK } from "@digital-commerce/plugin-sdk";
import type { Invocation, PluginWorkerApi } from "@digital-commerce/plugin-sdk/runtime";
import type { ApiEnv } from "../env.ts";
import { ledgerDb } from "../ledger/index.ts";
import type { Logger } from "../logging/index.ts";
import { type CallKind, type CallOutcome, recordCall } from "./accounting.ts";
import { recordSecurityEvent } from "./capabilities/index.ts";
import { SandboxError, type SandboxErrorCode } from "./errors.ts";
import { effectiveLimits } from "./limits.ts";
import { abandonIsolate, pluginWorker } from "./loader.ts";
import type { SandboxTarget } from "./target.ts";

export interface SandboxDeps {
  env: ApiEnv;
  exports: Cloudflare.Exports;
  waitUntil(promise: Promise<unknown>): void;
  log: Logger;
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

function classify(error: unknown): { code: SandboxErrorCode; outcome: CallOutcome; message: string } {
  const message = error instanceof Error ? error.message : String(error);
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
  const record = (outcome: CallOutcome, error?: { code: string; message: string }) =>
    deps.waitUntil(
      recordCall(ledgerDb(deps.env, target.tenant.id), {
        tenantId: target.tenant.id,
        slug: target.slug,
        kind: call.kind,
        name: call.name,
        startedAt: startedAt.toISOString(),
        durationMs: performance.now() - started,
        outcome,
        error,
      }).catch((e: unknown) => deps.log.error({ err: e }, "could not record a plugin call")),
    );
  try {
    const worker = pluginWorker(deps.env, deps.exports, target, limits);
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
    const result = await Promise.race([call.run(worker, invocationOf(target, call, limits.timeoutMs)), timeout]);
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
    if (failure.outcome !== "error") {
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
  }
}
