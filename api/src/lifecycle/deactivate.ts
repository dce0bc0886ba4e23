/**
 * active -> inactive, and uninstall (installed | inactive -> gone). Both refuse
 * while a dependent would be left without its dependency, unless cascade is
 * asked, which applies the same change to the dependents first.
 */

import { destroyPluginData, runCallbacks } from "./callbacks.ts";
import { setState, type TenantScope, TransitionBatch, type TransitionPlan } from "./commit.ts";
import { LifecycleError } from "./errors.ts";
import { callbackStep, installedDependents, readInstalled } from "./snapshot.ts";

const list = (slugs: string[]) => slugs.join(", ");

export async function deactivatePlugin(
  scope: TenantScope,
  slug: string,
  options: { cascade?: boolean } = {},
): Promise<string[]> {
  return (await planDeactivate(scope, slug, options)).commit();
}

/** The plugins a deactivation would deactivate, dependents first; refuses as `deactivatePlugin` does. */
export async function planDeactivate(
  scope: TenantScope,
  slug: string,
  options: { cascade?: boolean } = {},
): Promise<TransitionPlan<string[]>> {
  const { snapshot, plugin } = await readInstalled(scope.catalogue, scope.db, scope.tenantId, slug);
  if (plugin.state !== "active") {
    throw new LifecycleError(
      "ILLEGAL_TRANSITION",
      `${slug} is ${plugin.state}, not active; only an active plugin can be deactivated.`,
      {
        slug,
        state: plugin.state,
      },
    );
  }
  const active = installedDependents(snapshot, slug).filter((p) => p.state === "active");
  if (active.length > 0 && !options.cascade) {
    const names = active.map((p) => p.slug);
    throw new LifecycleError(
      "DEPENDENTS_ACTIVE",
      `Cannot deactivate ${slug}: ${list(names)} ${names.length === 1 ? "depends" : "depend"} on it and ${names.length === 1 ? "is" : "are"} active. Deactivate ${names.length === 1 ? "it" : "them"} first or pass cascade=true.`,
      { slug, dependents: names },
    );
  }
  const order = [...active.map((p) => p.slug), slug];
  return {
    result: order,
    commit: async () => {
      await runCallbacks(scope, [...active, plugin].map(callbackStep), "onDeactivate");
      const batch = new TransitionBatch(scope);
      for (const s of order) batch.expect(s, "active").write(setState(scope, s, "inactive"));
      await batch.commit();
      scope.log.info({ plugin: slug, deactivated: order }, "plugin deactivated");
      return order;
    },
  };
}

export async function uninstallPlugin(
  scope: TenantScope,
  slug: string,
  options: { cascade?: boolean } = {},
): Promise<string[]> {
  return (await planUninstall(scope, slug, options)).commit();
}

/** The plugins an uninstall would remove, dependents first; refuses as `uninstallPlugin` does. */
export async function planUninstall(
  scope: TenantScope,
  slug: string,
  options: { cascade?: boolean } = {},
): Promise<TransitionPlan<string[]>> {
  const { snapshot, plugin } = await readInstalled(scope.catalogue, scope.db, scope.tenantId, slug);
  const dependents = installedDependents(snapshot, slug);
  if (!options.cascade) {
    if (plugin.state === "active") {
      throw new LifecycleError(
        "ILLEGAL_TRANSITION",
        `${slug} is active; deactivate it before uninstalling, or pass cascade=true.`,
        {
          slug,
          state: plugin.state,
        },
      );
    }
    if (dependents.length > 0) {
      const names = dependents.map((p) => p.slug);
      const anyActive = dependents.some((p) => p.state === "active");
      throw new LifecycleError(
        anyActive ? "DEPENDENTS_ACTIVE" : "DEPENDENTS_INSTALLED",
        `Cannot uninstall ${slug}: ${list(names)} ${names.length === 1 ? "depends" : "depend"} on it. Uninstall ${names.length === 1 ? "it" : "them"} first or pass cascade=true.`,
        { slug, dependents: names },
      );
    }
  }
  const order = [...dependents.map((p) => p.slug), slug];
  const leaving = [...dependents, plugin];
  return {
    result: order,
    commit: async () => {
      await runCallbacks(scope, leaving.map(callbackStep), "onUninstall");
      const batch = new TransitionBatch(scope);
      for (const p of leaving) {
        const s = p.slug;
        batch
          .expect(s, p.state)
          .write(scope.db.prepare("DELETE FROM installations WHERE tenant_id = ? AND slug = ?").bind(scope.tenantId, s))
          // its version history goes with it: a later install starts afresh, with nothing to roll back to
          .write(
            scope.db
              .prepare("DELETE FROM installation_changes WHERE tenant_id = ? AND slug = ?")
              .bind(scope.tenantId, s),
          );
      }
      await batch.commit();
      const sandbox = scope.sandbox;
      if (sandbox) for (const s of order) await destroyPluginData(sandbox, scope.tenantId, s);
      scope.log.info({ plugin: slug, uninstalled: order }, "plugin uninstalled");
      return order;
    },
  };
}
