/**
 * Runs plugins' lifecycle callbacks (onInstall, onActivate, onDeactivate,
 * onUninstall) in their isolates before a transition commits: a callback that
 * throws stops the transition, which then changes nothing, and is reported as
 * plugin_error. Install first applies the plugin's database migrations, so
 * onInstall can use its tables. Callbacks may run again on a retried
 * transition, so they should be idempotent.
 */

import type { Permissions, PluginManifest } from "@digital-commerce/plugin-sdk";
import type { LifecycleName, UpgradeDetail } from "@digital-commerce/plugin-sdk/runtime";
import { revealConfig } from "../config/index.ts";
import { ledgerDb } from "../ledger/index.ts";
import { flushOutbox, outboxEvent } from "../outbox/index.ts";
import {
  forgetStoredBytes,
  invokePlugin,
  pluginDatabase,
  type SandboxDeps,
  SandboxError,
  storagePrefix,
} from "../sandbox/index.ts";
import { findTenant } from "../tenants/index.ts";
import type { TenantScope } from "./commit.ts";
import { LifecycleError } from "./errors.ts";

export interface CallbackStep {
  slug: string;
  version: string;
  manifest: PluginManifest;
  bundleHash: string | null;
  granted: Permissions;
  /** The stored (encrypted) configuration. */
  config: Record<string, unknown>;
  /** onUpgrade only: the version the tenant comes from and the migrations just applied. */
  upgrade?: UpgradeDetail;
}

export async function runCallbacks(scope: TenantScope, steps: CallbackStep[], callback: LifecycleName): Promise<void> {
  const sandbox = scope.sandbox;
  if (!sandbox) return;
  const tenant = await findTenant(scope.catalogue, scope.tenantId);
  if (!tenant) throw new Error(`tenant ${scope.tenantId} vanished during a transition`);
  for (const step of steps) {
    if (!step.bundleHash) continue; // registered without code: nothing to run
    const props = { tenantId: scope.tenantId, slug: step.slug };
    try {
      if (callback === "onInstall" && step.manifest.migrations.length > 0 && step.granted.capabilities.includes("db")) {
        await pluginDatabase(sandbox.env, props).migrate(step.manifest.migrations);
      }
      const config = await revealConfig(step.manifest.settings_schema, step.config, { secret: scope.secret, ...props });
      await invokePlugin(
        sandbox,
        {
          tenant,
          slug: step.slug,
          version: step.version,
          hash: step.bundleHash,
          state: "installed",
          manifest: step.manifest,
          granted: step.granted,
          config,
        },
        {
          kind: "lifecycle",
          name: callback,
          run: (worker, invocation) => worker.runLifecycle(callback, invocation, step.upgrade),
        },
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = error instanceof SandboxError ? error.code : "PLUGIN_FAILED";
      await reportPluginError(scope, step, { code, message: `${callback}: ${message}` });
      throw new LifecycleError(
        "LIFECYCLE_CALLBACK_FAILED",
        `${step.slug}'s ${callback} failed, so nothing was changed: ${message}`,
        {
          slug: step.slug,
          callback,
        },
      );
    }
  }
}

/** plugin_error goes to the outbox on its own: the transition it belongs to did not happen. */
export async function reportPluginError(
  scope: TenantScope,
  plugin: { slug: string; version: string },
  error: { code: string; message: string },
): Promise<void> {
  const event = outboxEvent(scope.db, scope.tenantId, "plugin_error", plugin.slug, {
    plugin: { slug: plugin.slug, version: plugin.version },
    tenant_id: scope.tenantId,
    error,
  });
  await event.statement.run();
  await flushOutbox(scope.db, scope.queues, [event], scope.log);
}

/** After an uninstall commits: the plugin's database, stored objects and cache entries for this tenant go too. */
export async function destroyPluginData(sandbox: SandboxDeps, tenantId: string, slug: string): Promise<void> {
  const props = { tenantId, slug };
  await pluginDatabase(sandbox.env, props).destroy();
  const prefix = storagePrefix(props);
  let cursor: string | undefined;
  do {
    const page = await sandbox.env.PLUGIN_STORAGE.list({ prefix, cursor });
    if (page.objects.length > 0) await sandbox.env.PLUGIN_STORAGE.delete(page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  let kvCursor: string | undefined;
  do {
    const page = await sandbox.env.CACHE.list({ prefix: `plugin-cache/${tenantId}/${slug}/`, cursor: kvCursor });
    await Promise.all(page.keys.map((k) => sandbox.env.CACHE.delete(k.name)));
    kvCursor = page.list_complete ? undefined : page.cursor;
  } while (kvCursor);
  await forgetStoredBytes(ledgerDb(sandbox.env, tenantId), props);
}
