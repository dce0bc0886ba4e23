/**
 * The plugin manager the spec's examples call: registration and listing of the
 * catalogue, and running a tenant's hook chain, in one object for tests and tools.
 * HTTP goes through the admin API.
 */

import {
  HookCatalogue,
  type HookName,
  type PluginManifestInput,
  unknownHookMessage,
} from "@digital-commerce/plugin-sdk";
import { HookError, type HookRun, type TraceStep, traceBeforeHooks } from "../hooks/index.ts";
import type { GlobalDb } from "../ledger/tenant-db.ts";
import { listPluginVersions, type PluginVersion, type RegisteredPlugin, registerPlugin } from "../registry/index.ts";

export interface PluginManager {
  /** Validates and adds a manifest to the catalogue (idempotent for an identical manifest). */
  registerPlugin(manifest: PluginManifestInput, bundleHash?: string): Promise<RegisteredPlugin>;
  /** Every registered plugin version, newest first within a slug. */
  listPlugins(): Promise<PluginVersion["manifest"][]>;
  /**
   * Runs the tenant's chain of a "before" hook on `data` and returns what each handler did, in the
   * order they ran (priority ascending); a veto or an aborting failure is the last result.
   */
  executeHook(hook: string, data: unknown): Promise<TraceStep[]>;
}

/** `run` (the tenant, trace id and sandbox) is needed only by executeHook. */
export function createPluginManager(db: GlobalDb, run?: HookRun): PluginManager {
  return {
    registerPlugin: (manifest, bundleHash) => registerPlugin(db, manifest, bundleHash),
    listPlugins: async () => (await listPluginVersions(db)).map((v) => v.manifest),
    async executeHook(hook, data) {
      if (!(hook in HookCatalogue)) throw new HookError("UNKNOWN_HOOK", unknownHookMessage(hook));
      const name = hook as HookName;
      if (HookCatalogue[name].kind !== "before") {
        throw new HookError(
          "UNKNOWN_HOOK",
          `${hook} is a notification hook: it is delivered through the queue, not run inline`,
        );
      }
      if (!run) throw new Error("executeHook needs the tenant's HookRun: createPluginManager(db, run)");
      const payload = HookCatalogue[name].payload.parse(data);
      return (await traceBeforeHooks(run, name, payload as never)).trace.steps;
    },
  };
}
