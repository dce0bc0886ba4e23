/**
 * installed | inactive -> active. A plugin runs only on active dependencies, so
 * inactive ones are refused by name, or activated first when cascade is asked.
 * Each activated plugin must have every required setting.
 */
import { assertComplete } from "../config/index.ts";
import { topologicalOrder } from "../resolver/index.ts";
import { runCallbacks } from "./callbacks.ts";
import { setState, type TenantScope, TransitionBatch, type TransitionPlan } from "./commit.ts";
import { LifecycleError } from "./errors.ts";
import { callbackStep, type InstalledPlugin, installedDependencies, readInstalled } from "./snapshot.ts";

export async function activatePlugin(
  scope: TenantScope,
  slug: string,
  options: { cascade?: boolean } = {},
): Promise<string[]> {
  return (await planActivate(scope, slug, options)).commit();
}

/** The plugins an activation would activate, dependencies first; refuses as `activatePlugin` does. */
export async function planActivate(
  scope: TenantScope,
  slug: string,
  options: { cascade?: boolean } = {},
): Promise<TransitionPlan<string[]>> {
  const { snapshot, plugin } = await readInstalled(scope.catalogue, scope.db, scope.tenantId, slug);
  if (plugin.state === "active")
    throw new LifecycleError("ILLEGAL_TRANSITION", `${slug} is already active.`, { slug, state: "active" });

  const inactive = installedDependencies(snapshot, slug).filter((d) => snapshot.installed.get(d)?.state !== "active");
  if (inactive.length > 0 && !options.cascade) {
    throw new LifecycleError(
      "DEPENDENCY_INACTIVE",
      `${slug} depends on ${inactive.join(", ")}, which ${inactive.length === 1 ? "is" : "are"} not active; activate ${inactive.length === 1 ? "it" : "them"} first or pass cascade=true.`,
      { slug, inactive },
    );
  }

  // dependencies before dependents
  const targets = new Set([...inactive, slug]);
  const { order } = topologicalOrder(
    [...targets],
    snapshot.edges.filter(([a, b]) => targets.has(a) && targets.has(b)),
  );
  const plugins = order.map((s) => snapshot.installed.get(s)).filter((p): p is InstalledPlugin => p !== undefined);
  for (const p of plugins) assertComplete(p.manifest.settings_schema, p.config, p.slug);
  return {
    result: order,
    commit: async () => {
      await runCallbacks(scope, plugins.map(callbackStep), "onActivate");
      const batch = new TransitionBatch(scope);
      for (const p of plugins) {
        const s = p.slug;
        batch
          .expect(s, p.state)
          .write(setState(scope, s, "active"))
          .emit("plugin_activated", s, { plugin: { slug: s, version: p.version }, tenant_id: scope.tenantId });
      }
      await batch.commit();
      scope.log.info({ plugin: slug, activated: order }, "plugin activated");
      return order;
    },
  };
}
