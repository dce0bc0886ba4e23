/**
 * Calls a plugin's category methods (processPayment, authenticate, trackEvent, ...) in its
 * isolate, through the same path as every other call (limits, timeout, accounting). What comes
 * back is `unknown`: the caller parses it with the SDK's schema for the method
 * (paymentResultSchema, authResultSchema, ...), because plugin code is not trusted to keep a type.
 */
import type { CategoryMethod, DeliveryInfo } from "@digital-commerce/plugin-sdk";
import type { MethodOutcome } from "@digital-commerce/plugin-sdk/runtime";
import { invokePlugin, type SandboxDeps } from "./invoke.ts";
import type { SandboxTarget } from "./target.ts";

export interface MethodCallOptions {
  /** The plugin's `context.idempotency_key`: stable across retries of the same operation. */
  idempotencyKey?: string;
  traceId?: string;
  /** The queued delivery this call makes; its key is the call's key unless `idempotencyKey` names another. */
  delivery?: DeliveryInfo;
  /** Below the manifest's and the platform's timeout. */
  timeoutMs?: number;
}

/**
 * One call of a category method; the plugin's isolate refuses a method its category does not
 * have, or that its plugin.ts does not implement, and that refusal arrives as a SandboxError.
 *
 * @example
 * const raw = await callPluginMethod(deps, target, "processPayment", [paymentData], { traceId });
 * const result = paymentResultSchema.parse(raw);
 */
export function callPluginMethod(
  deps: SandboxDeps,
  target: SandboxTarget,
  method: CategoryMethod,
  args: unknown[],
  options: MethodCallOptions = {},
): Promise<unknown> {
  return invokePlugin(deps, target, {
    kind: "method",
    name: method,
    ...options,
    run: (worker, invocation) => worker.runMethod(method, args, invocation),
  });
}

/**
 * Calls the method once per entry of `argsList` in one round trip to the isolate, one call after
 * another, each settled on its own (an analytics batch: one bad event does not fail the rest).
 * The whole batch shares one timeout; a timeout or a refused method fails the whole batch.
 *
 * @example
 * const outcomes = await callPluginMethodBatch(deps, target, "trackEvent", events.map((e) => [e]));
 * const failed = outcomes.filter((o) => !o.ok);
 */
export function callPluginMethodBatch(
  deps: SandboxDeps,
  target: SandboxTarget,
  method: CategoryMethod,
  argsList: unknown[][],
  options: MethodCallOptions = {},
): Promise<MethodOutcome[]> {
  return invokePlugin(deps, target, {
    kind: "method",
    name: method,
    ...options,
    run: (worker, invocation) => worker.runMethodBatch(method, argsList, invocation),
  });
}
