/**
 * Measures, inside workerd: one hook call into a warm plugin isolate through the
 * platform's sandbox (invokePlugin), the same handler called in-process, and a
 * cold start (a new isolate per call). Timings are per call, from batches, since
 * the runtime's clock is coarse.
 */

import type { ProductHookData } from "@digital-commerce/plugin-sdk";
import { buildContext, type PluginWorkerApi } from "@digital-commerce/plugin-sdk/runtime";
import type { ApiEnv } from "../../api/src/env.ts";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { activatePlugin, installPlugin } from "../../api/src/lifecycle/index.ts";
import { createLogger } from "../../api/src/logging/index.ts";
import {
  abandonIsolate,
  effectiveLimits,
  findTarget,
  invocationOf,
  invokePlugin,
  publishPlugin,
  quotasFor,
  type SandboxDeps,
} from "../../api/src/sandbox/index.ts";
import { COMPATIBILITY_DATE, pluginWorker } from "../../api/src/sandbox/loader.ts";
import { createTenant } from "../../api/src/tenants/index.ts";
import normalizeProduct from "../../plugins/core-utils/src/hooks/normalizeProduct.ts";

export { SessionsCapability } from "../../api/src/commerce/index.ts";
export { TenantLedger } from "../../api/src/ledger/index.ts";
export {
  CacheCapability,
  DbCapability,
  EgressGate,
  EventsCapability,
  LogCapability,
  PluginDatabase,
  PluginsCapability,
  StorageCapability,
} from "../../api/src/sandbox/index.ts";

const payload: ProductHookData = {
  product: { title: "  Blue   Mug ", sku: "mug-1", price: 12, currency: "USD", metadata: {} },
};
const IN_PROCESS_FACTOR = 200;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export default {
  async fetch(request: Request, env: ApiEnv, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    const log = createLogger("silent");
    const deps: SandboxDeps = { env, exports: ctx.exports, waitUntil: (p) => ctx.waitUntil(p), log };
    if (url.pathname === "/setup") {
      const bundle = (await request.json()) as { manifest: unknown; code: string };
      await publishPlugin(env, bundle);
      const tenant = await createTenant(env.DB, { slug: `bench-${crypto.randomUUID().slice(0, 8)}`, name: "Bench" });
      const scope = {
        catalogue: env.DB,
        db: ledgerDb(env, tenant.id),
        queues: env,
        tenantId: tenant.id,
        secret: env.CONFIG_ENCRYPTION_KEY,
        log,
        sandbox: deps,
      };
      await installPlugin(scope, "core-utils");
      await activatePlugin(scope, "core-utils");
      return Response.json({ tenant: tenant.id });
    }
    const tenantId = url.searchParams.get("tenant") ?? "";
    const target = await findTarget(env, tenantId, "core-utils");
    if (!target) return new Response("run /setup first", { status: 400 });
    const handler = target.manifest.hooks[0]?.handler ?? "";
    // as a request makes the call: its accounting into the request's journal, which its commit writes
    // (api/src/hooks/journal.ts); `logged` writes it on its own, as work without a journal does
    const callWith = (d: SandboxDeps) => () =>
      invokePlugin(d, target, {
        kind: "hook",
        name: "before_product_create",
        run: (w, inv) => w.runHook(handler, payload, inv),
      });
    const call = callWith({ ...deps, calls: [] });
    const logged = callWith(deps);

    if (url.pathname === "/warm") {
      const batch = Number(url.searchParams.get("batch") ?? 50);
      const rounds = Number(url.searchParams.get("rounds") ?? 20);
      await call(); // start the isolate
      const sandboxed: number[] = [];
      const inProcess: number[] = [];
      for (let r = 0; r < rounds; r++) {
        let t = performance.now();
        for (let i = 0; i < batch; i++) await call();
        sandboxed.push((performance.now() - t) / batch);
        t = performance.now();
        // in-process calls take microseconds and the clock is coarse: a batch large enough to measure
        for (let i = 0; i < batch * IN_PROCESS_FACTOR; i++) {
          // the same handler and the same context building, without the isolate boundary
          const { context, settle } = buildContext({}, target.manifest, invocationOf(target, {}));
          await normalizeProduct(context, structuredClone(payload));
          await settle();
        }
        inProcess.push((performance.now() - t) / (batch * IN_PROCESS_FACTOR));
      }
      return Response.json({
        sandboxed_ms: median(sandboxed),
        in_process_ms: median(inProcess),
        calls: batch * rounds,
        in_process_calls: batch * rounds * IN_PROCESS_FACTOR,
      });
    }
    if (url.pathname === "/breakdown") {
      // where a warm call's time goes: each row adds one part of what invokePlugin does to the row before
      const batch = Number(url.searchParams.get("batch") ?? 50);
      const rounds = Number(url.searchParams.get("rounds") ?? 20);
      const limits = effectiveLimits(target.manifest.limits);
      const metered = {
        id: "bench",
        expiresAt: Date.now() + 3_600_000,
        quotas: await quotasFor(ledgerDb(env, tenantId), tenantId, target.slug),
      };
      const invocation = invocationOf(target, {}, limits.timeoutMs);
      const trivial = env.LOADER.get("bench-trivial", () => ({
        compatibilityDate: COMPATIBILITY_DATE,
        mainModule: "w.js",
        modules: {
          "w.js": `import { WorkerEntrypoint } from "cloudflare:workers";
            export default class extends WorkerEntrypoint { async runHook(h, p, i) { return p; } }`,
        },
      }));
      const parts: Record<string, () => Promise<unknown>> = {
        "trivial isolate, no arguments": () =>
          (trivial.getEntrypoint() as unknown as { runHook(): Promise<unknown> }).runHook(),
        "trivial isolate, the hook's arguments": () =>
          (trivial.getEntrypoint() as unknown as PluginWorkerApi).runHook(handler, payload, invocation),
        "plugin isolate, per-call props (pluginWorker), the handler": () =>
          pluginWorker(env, ctx.exports, target, limits, metered).runHook(handler, payload, invocation),
        "invokePlugin, its accounting in the request's journal": call,
        "invokePlugin, its accounting written on its own (call log)": logged,
      };
      const result: Record<string, number> = {};
      for (const [name, run] of Object.entries(parts)) {
        await run();
        const samples: number[] = [];
        for (let r = 0; r < rounds; r++) {
          const t = performance.now();
          for (let i = 0; i < batch; i++) await run();
          samples.push((performance.now() - t) / batch);
        }
        result[name] = median(samples);
      }
      return Response.json(result);
    }
    if (url.pathname === "/cold") {
      const n = Number(url.searchParams.get("n") ?? 15);
      const cold: number[] = [];
      for (let i = 0; i < n; i++) {
        abandonIsolate(env, target); // the next call gets a fresh isolate id, so a new isolate starts
        const t = performance.now();
        await call();
        cold.push(performance.now() - t);
      }
      return Response.json({ cold_ms: median(cold), samples: n });
    }
    return new Response("not found", { status: 404 });
  },
} satisfies ExportedHandler<ApiEnv>;
