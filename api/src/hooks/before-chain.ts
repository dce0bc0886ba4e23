/**
 * "Before" hooks: run synchronously in the API Worker, in the plugins' isolates, one
 * after another in run order (see subscribers.ts). Each handler gets the payload the
 * one before it left: it may return the changed payload (or just its subject, e.g. the
 * payment) to replace it, return nothing to leave it, or throw to veto the operation.
 *
 * Time: each handler runs under its hook's `timeout_ms` (or the plugin's limit), and
 * never past what is left of the chain's budget. A failure (a timeout, a limit, a result
 * that is not the hook's payload) follows the hook's `on_failure`: "abort" (the default:
 * a broken fraud check must not wave payments through) fails the operation; "skip"
 * records the failure and goes on with the payload unchanged. A veto always stops it.
 */

import { HookCatalogue, type HookName, type HookPayload, isHookName } from "@digital-commerce/plugin-sdk";
import type { z } from "zod";
import type { TenantDb } from "../ledger/tenant-db.ts";
import { invokePlugin, type SandboxDeps, SandboxError } from "../sandbox/index.ts";
import { HookError } from "./errors.ts";
import type { RunJournal } from "./journal.ts";
import { type Subscription, subscribersOf } from "./subscribers.ts";
import { type ChainTrace, chainInsert, nextSeq, recordChain, type TraceStep } from "./trace.ts";

/** What every hook call of one request shares: the tenant, the request's trace id and the sandbox. */
export interface HookRun {
  tenantId: string;
  traceId: string;
  deps: SandboxDeps;
  /** The tenant's ledger: where the run's writes, its trace and its events go. */
  db: TenantDb;
  /** The request's records (its traces, its plugin calls' accounting), written with its commit (journal.ts). */
  journal?: RunJournal;
}

export const DEFAULT_CHAIN_BUDGET_MS = 5_000;

export interface ChainResult<H extends HookName> {
  payload: HookPayload<H>;
  trace: ChainTrace;
  /** The payload after each step, index for index with `trace.steps` (kept out of the stored trace: payloads may be large). */
  outputs: unknown[];
}

export interface ChainOptions {
  /** Store the trace under the run's trace id (default); a dry run does not. */
  record?: boolean;
}

class InvalidResult extends Error {}

/** A handler's return value applied to the payload: the whole payload, its subject alone, or nothing. */
function applyResult(hook: HookName, payload: unknown, result: unknown): unknown {
  if (result === undefined || result === null) return payload;
  const definition = HookCatalogue[hook];
  const whole = definition.payload.safeParse(result);
  if (whole.success) return whole.data;
  const subjectSchema = (definition.payload as unknown as z.ZodObject).shape[definition.subject] as
    | z.ZodType
    | undefined;
  const subject = subjectSchema?.safeParse(result);
  if (subject?.success) return { ...(payload as object), [definition.subject]: subject.data };
  const issues = whole.error.issues.map((i) => `${i.path.join(".") || "(payload)"}: ${i.message}`).join("; ");
  throw new InvalidResult(`returned neither a ${hook} payload nor a ${definition.subject}: ${issues}`);
}

function budgetOf(run: HookRun): number {
  const configured = Number(run.deps.env.HOOK_CHAIN_BUDGET_MS);
  return Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_CHAIN_BUDGET_MS;
}

interface StepResult {
  step: TraceStep;
  payload: unknown;
  /** Set when the chain must stop: the error the operation fails with. */
  stop?: HookError;
}

async function runStep(
  run: HookRun,
  hook: HookName,
  { target, registration }: Subscription,
  payload: unknown,
  remainingMs: number,
): Promise<StepResult> {
  const policy = registration.on_failure ?? "abort";
  const base = {
    plugin: target.slug,
    version: target.version,
    handler: registration.handler,
    priority: registration.priority,
    on_failure: policy,
    started_at: new Date().toISOString(),
  };
  const started = performance.now();
  const took = () => Math.round((performance.now() - started) * 100) / 100;
  const failed = (outcome: "failed" | "timeout", message: string): StepResult => {
    const step: TraceStep = { ...base, outcome, skipped: policy === "skip", duration_ms: took(), error: message };
    if (policy === "skip") return { step, payload };
    const code = outcome === "timeout" ? "HOOK_TIMEOUT" : "HOOK_FAILED";
    return {
      step,
      payload,
      stop: new HookError(
        code,
        `${target.slug} ${outcome === "timeout" ? "timed out" : "failed"} in ${hook}: ${message}`,
        {
          plugin: target.slug,
          hook,
          trace_id: run.traceId,
        },
      ),
    };
  };
  if (remainingMs <= 0) return failed("timeout", "the chain's time budget was spent before this hook could start");
  const timeoutMs = Math.min(registration.timeout_ms ?? remainingMs, remainingMs);
  let result: unknown;
  try {
    result = await invokePlugin(run.deps, target, {
      kind: "hook",
      name: hook,
      timeoutMs,
      traceId: run.traceId,
      run: (worker, invocation) => worker.runHook(registration.handler, payload, invocation),
    });
  } catch (error) {
    if (!(error instanceof SandboxError)) throw error;
    if (error.code === "PLUGIN_FAILED" || error.code === "PLUGIN_FAILED_PERMANENTLY") {
      // the handler threw: a veto, with the plugin's own message
      const reason = (error.details as { reason?: string } | undefined)?.reason ?? error.message;
      return {
        step: { ...base, outcome: "vetoed", skipped: false, duration_ms: took(), error: reason },
        payload,
        stop: new HookError("HOOK_VETOED", reason, { plugin: target.slug, hook, trace_id: run.traceId }),
      };
    }
    return failed(error.code === "PLUGIN_TIMEOUT" ? "timeout" : "failed", error.message);
  }
  let next: unknown;
  try {
    next = applyResult(hook, payload, result);
  } catch (error) {
    if (error instanceof InvalidResult) return failed("failed", error.message);
    throw error;
  }
  const outcome = JSON.stringify(next) === JSON.stringify(payload) ? "unchanged" : "transformed";
  return { step: { ...base, outcome, skipped: false, duration_ms: took() }, payload: next };
}

/**
 * Runs the chain and returns every step, without throwing for a veto or an abort: what
 * `runBeforeHooks` and the spec's `executeHook` build on.
 */
export async function traceBeforeHooks<H extends HookName>(
  run: HookRun,
  hook: H,
  payload: HookPayload<H>,
  options: ChainOptions = {},
): Promise<ChainResult<H> & { stop?: HookError }> {
  if (!isHookName(hook)) throw new HookError("UNKNOWN_HOOK", `unknown hook "${String(hook)}"`);
  const subscriptions = await subscribersOf(run.deps.env, run.tenantId, hook);
  const budget = budgetOf(run);
  const started = performance.now();
  const steps: TraceStep[] = [];
  const outputs: unknown[] = [];
  let current: unknown = payload;
  let stop: HookError | undefined;
  for (const subscription of subscriptions) {
    const result = await runStep(run, hook, subscription, current, budget - (performance.now() - started));
    steps.push(result.step);
    outputs.push(result.payload);
    current = result.payload;
    if (result.stop) {
      stop = result.stop;
      break;
    }
  }
  const trace: ChainTrace = {
    trace_id: run.traceId,
    hook,
    outcome: stop === undefined ? "completed" : stop.code === "HOOK_VETOED" ? "vetoed" : "aborted",
    duration_ms: Math.round((performance.now() - started) * 100) / 100,
    steps,
  };
  if (steps.length > 0 && options.record !== false) {
    const seq = nextSeq(run);
    if (run.journal) run.journal.trace(run.tenantId, chainInsert(run.db, run.tenantId, seq, trace));
    else
      run.deps.waitUntil(
        recordChain(run.db, run.tenantId, seq, trace).catch((e: unknown) =>
          run.deps.log.error({ err: e, trace_id: run.traceId }, "could not record a hook trace"),
        ),
      );
  }
  return { payload: current as HookPayload<H>, trace, outputs, ...(stop ? { stop } : {}) };
}

/**
 * Runs the tenant's before hooks for `hook` and returns the payload they left.
 * Throws HookError: HOOK_VETOED (422) with the plugin's message, HOOK_FAILED (502) or HOOK_TIMEOUT (504).
 *
 * @example
 * const { payment } = await runBeforeHooks(run, "before_payment_process", { payment });
 */
export async function runBeforeHooks<H extends HookName>(
  run: HookRun,
  hook: H,
  payload: HookPayload<H>,
): Promise<HookPayload<H>> {
  const result = await traceBeforeHooks(run, hook, payload);
  if (result.stop) throw result.stop;
  return result.payload;
}
