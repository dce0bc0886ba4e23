/**
 * Dry runs of a hook for a tenant (admin-cli hooks run): the tenant's active handlers
 * run on a given payload as a real operation would run them, and the answer shows each
 * one's outcome, timing and, for a before hook, the payload it left. The platform
 * commits nothing: no business write, no outbox row, no delivery, no stored trace. The
 * plugins run for real, though, so their own side effects (their database, their
 * outbound calls) happen, as with Shopify's `webhook trigger` or `stripe trigger`.
 */
import {
  HookCatalogue,
  type HookName,
  isHookName,
  suggestHooks,
  unknownHookMessage,
} from "@digital-commerce/plugin-sdk";
import { describeIssues, fieldIssues, RequestError } from "../errors/index.ts";
import { HookError, type HookRun, subscribersOf, traceBeforeHooks } from "../hooks/index.ts";
import { invokePlugin, SandboxError } from "../sandbox/index.ts";
import type { HookRunResult } from "./schemas.ts";

type NotificationStep = Extract<HookRunResult, { kind: "notification" }>["steps"][number];

const elapsed = (started: number) => Math.round((performance.now() - started) * 100) / 100;

/**
 * Runs `hook` for the tenant on `payload` and reports every step. Throws UNKNOWN_HOOK
 * (with the closest names) and VALIDATION_FAILED (naming each payload field); a veto or
 * a failing handler is an outcome in the answer, not an error.
 */
export async function dryRunHook(run: HookRun, hook: string, payload: unknown): Promise<HookRunResult> {
  if (!isHookName(hook)) {
    throw new HookError("UNKNOWN_HOOK", unknownHookMessage(hook), { hook, suggestions: suggestHooks(hook) });
  }
  const definition = HookCatalogue[hook];
  const parsed = definition.payload.safeParse(payload);
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error, "payload");
    throw new RequestError("VALIDATION_FAILED", `Invalid ${hook} payload: ${describeIssues(issues)}`, { issues });
  }
  return definition.kind === "before"
    ? await dryRunBefore(run, hook, parsed.data)
    : await dryRunNotification(run, hook, parsed.data);
}

/** The before chain exactly as an operation runs it (order, transforms, veto, timeouts, budget), its trace not stored. */
async function dryRunBefore(run: HookRun, hook: HookName, payload: unknown): Promise<HookRunResult> {
  // the payload was parsed with this hook's schema just before
  const result = await traceBeforeHooks(run, hook, payload as never, { record: false });
  return {
    hook,
    kind: "before",
    outcome: result.trace.outcome,
    duration_ms: result.trace.duration_ms,
    payload: result.payload,
    steps: result.trace.steps.map((step, i) => ({ ...step, output: result.outputs[i] })),
  };
}

/**
 * Each subscribed plugin's handlers inline, in run order, as its queued delivery would run
 * them (consumers/src/run-delivery.ts) but with no delivery behind them: no
 * `context.delivery`, no retry. Every handler runs, whatever the one before did, so
 * each one's outcome shows.
 */
async function dryRunNotification(run: HookRun, hook: HookName, payload: unknown): Promise<HookRunResult> {
  const started = performance.now();
  const steps: NotificationStep[] = [];
  for (const { target, registration } of await subscribersOf(run.deps.env, run.tenantId, hook)) {
    const stepStarted = performance.now();
    const step = {
      plugin: target.slug,
      version: target.version,
      handler: registration.handler,
      priority: registration.priority,
    };
    try {
      await invokePlugin(run.deps, target, {
        kind: "hook",
        name: hook,
        ...(registration.timeout_ms ? { timeoutMs: registration.timeout_ms } : {}),
        traceId: run.traceId,
        run: (worker, invocation) => worker.runHook(registration.handler, payload, invocation),
      });
      steps.push({ ...step, outcome: "succeeded", duration_ms: elapsed(stepStarted) });
    } catch (error) {
      // a plugin's failure is this step's outcome; anything else is the platform's and goes up
      if (!(error instanceof SandboxError)) throw error;
      steps.push({
        ...step,
        outcome: error.code === "PLUGIN_TIMEOUT" ? "timeout" : "failed",
        duration_ms: elapsed(stepStarted),
        error: error.message,
      });
    }
  }
  return { hook, kind: "notification", duration_ms: elapsed(started), steps };
}
