/**
 * The plugins capability: what `context.plugins[dependency].service(...)` reaches. The props name the
 * calling tenant and plugin, never the plugin's arguments, so a call can only go to a dependency the
 * caller's installed manifest declares, for the caller's own tenant, and only while that dependency
 * is active there. The service then runs in the dependency's own isolate through `invokePlugin`,
 * under its limits and accounted against it, like any other call into a plugin.
 */

import { WorkerEntrypoint } from "cloudflare:workers";
import {
  NOT_SERVICE_NAMES,
  plainDataProblem,
  SERVICE_NAME,
  type ServiceOutcome,
  serviceRefusal,
} from "@digital-commerce/plugin-sdk/runtime";
import { z } from "zod";
import type { ApiEnv } from "../../env.ts";
import { ledgerDb } from "../../ledger/index.ts";
import { serviceLogger } from "../../logging/index.ts";
import { findInstallation, knownVersion } from "../../registry/index.ts";
import { CapabilityError } from "../errors.ts";
import { invokePlugin } from "../invoke.ts";
import { findTarget } from "../target.ts";
import type { CapabilityProps } from "./props.ts";
import { recordSecurityEvent } from "./security-events.ts";

const MAX_ARGS = 32;

const optionsSchema = z.object({
  trace_id: z.string().min(1).max(200).optional(),
  idempotency_key: z.string().min(1).max(512).optional(),
  timeout_ms: z.number().int().positive().optional(),
});

/** What the caller's installed version declares: the installation, not the plugin, is the authority. */
async function declaredDependencies(env: ApiEnv, props: CapabilityProps): Promise<string[]> {
  const installation = await findInstallation(ledgerDb(env, props.tenantId), props.tenantId, props.slug);
  if (!installation) return [];
  const version = await knownVersion(env.DB, installation.slug, installation.version);
  return version?.manifest.dependencies.map((d) => d.name) ?? [];
}

function checkCall(dependency: unknown, service: unknown, args: unknown): [string, string, unknown[]] {
  if (typeof dependency !== "string" || dependency.length === 0 || dependency.length > 100) {
    throw new CapabilityError("INVALID_ARGUMENT", "dependency must be a plugin slug");
  }
  if (typeof service !== "string" || !SERVICE_NAME.test(service) || NOT_SERVICE_NAMES.has(service)) {
    throw new CapabilityError("INVALID_ARGUMENT", `${dependency}: a service name is an identifier such as formatMoney`);
  }
  if (!Array.isArray(args) || args.length > MAX_ARGS) {
    throw new CapabilityError(
      "INVALID_ARGUMENT",
      `arguments of ${dependency}.${service} must be a list of at most ${MAX_ARGS}`,
    );
  }
  return [dependency, service, args];
}

export class PluginsCapability extends WorkerEntrypoint<ApiEnv, CapabilityProps> {
  async call(rawDependency: unknown, rawService: unknown, rawArgs: unknown, options?: unknown): Promise<unknown> {
    const [dependency, service, args] = checkCall(rawDependency, rawService, rawArgs);
    const { tenantId, slug } = this.ctx.props;
    const declared = await declaredDependencies(this.env, this.ctx.props);
    if (!declared.includes(dependency)) {
      const refusal = serviceRefusal.notADependency(slug, dependency, declared);
      // recorded before refusing: reaching for another plugin's code is worth knowing about
      await recordSecurityEvent(ledgerDb(this.env, tenantId), {
        tenantId,
        slug,
        kind: "dependency_denied",
        detail: `called ${dependency}.${service}: ${refusal.message}`,
      });
      throw new CapabilityError(refusal.code, refusal.message);
    }
    const problem = plainDataProblem(args, "args");
    if (problem) {
      const refusal = serviceRefusal.notPlainData(dependency, service, problem);
      throw new CapabilityError(refusal.code, refusal.message);
    }
    const parsed = optionsSchema.safeParse(options ?? {});
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path.join(".") ?? "options";
      throw new CapabilityError(
        "INVALID_ARGUMENT",
        `options.${field}: ${parsed.error.issues[0]?.message ?? "invalid"}`,
      );
    }
    // findTarget scopes by the props' tenant: a call never reaches another tenant's installation or isolate
    const target = await findTarget(this.env, tenantId, dependency);
    if (target?.state !== "active") {
      const refusal = serviceRefusal.notActive(slug, dependency, target?.state ?? null);
      throw new CapabilityError(refusal.code, refusal.message);
    }
    const deps = {
      env: this.env,
      exports: this.ctx.exports,
      waitUntil: (promise: Promise<unknown>) => this.ctx.waitUntil(promise),
      log: serviceLogger("plugin", this.env.LOG_LEVEL).child({ tenant: tenantId, plugin: dependency, caller: slug }),
    };
    const outcome = await invokePlugin<ServiceOutcome>(deps, target, {
      kind: "service",
      name: service,
      ...(parsed.data.timeout_ms ? { timeoutMs: parsed.data.timeout_ms } : {}),
      ...(parsed.data.idempotency_key ? { idempotencyKey: parsed.data.idempotency_key } : {}),
      ...(parsed.data.trace_id ? { traceId: parsed.data.trace_id } : {}),
      run: async (worker, invocation) => {
        const answer = await worker.runService(service, args, invocation);
        // inside the call, so an answer the caller cannot take counts against the plugin that gave it
        const bad = answer.found ? plainDataProblem(answer.value, "result") : null;
        if (bad) throw new Error(`its answer must be plain data: ${bad}`);
        return answer;
      },
    });
    if (!outcome.found) {
      const refusal = serviceRefusal.unknownService(dependency, service, outcome.services);
      throw new CapabilityError(refusal.code, refusal.message);
    }
    return outcome.value;
  }
}
