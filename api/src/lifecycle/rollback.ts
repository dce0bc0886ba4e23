/**
 * Undoes the last upgrade of an installation: every plugin that upgrade moved goes back to the
 * version it came from, with the configuration and permissions it had then, and the database
 * migrations the upgrade applied are undone with their `down`. A migration without one refuses
 * the rollback, saying so: its schema would stay under a version that does not know it.
 */
import type { Migration, Permissions } from "@digital-commerce/plugin-sdk";
import { permissionsSchema } from "@digital-commerce/plugin-sdk";
import { z } from "zod";
import { pluginDatabase } from "../sandbox/index.ts";
import { now, type TenantScope, TransitionBatch, type TransitionPlan } from "./commit.ts";
import { LifecycleError } from "./errors.ts";
import { type InstalledPlugin, readInstalled, type TenantSnapshot } from "./snapshot.ts";
import { assertDependentsAllow, permissionChanges, switchVersion, type VersionStep } from "./versions.ts";

const json = <T extends z.ZodType>(schema: T) => z.string().transform((text) => schema.parse(JSON.parse(text)));

const changeRow = z.object({
  slug: z.string(),
  change_id: z.string(),
  from_version: z.string(),
  to_version: z.string(),
  config_before: json(z.record(z.string(), z.unknown())),
  permissions_before: json(permissionsSchema),
  migrations: json(z.array(z.string())),
});
type ChangeRow = z.infer<typeof changeRow>;

interface PlannedRollback {
  plugin: InstalledPlugin;
  change: ChangeRow;
  /** The current version's declarations of the migrations to undo, last applied first. */
  undo: Migration[];
  step: VersionStep;
}

export async function rollbackPlugin(scope: TenantScope, slug: string) {
  return (await planRollback(scope, slug)).commit();
}

export async function planRollback(
  scope: TenantScope,
  slug: string,
): Promise<TransitionPlan<{ steps: VersionStep[] }>> {
  const { snapshot, plugin } = await readInstalled(scope.catalogue, scope.db, scope.tenantId, slug);
  const changes = await lastUpgrade(scope, plugin);
  const moving = new Set(changes.map((c) => c.slug));
  const planned = changes.map((change) => planStep(snapshot, change, moving, slug));
  const steps = planned.map((p) => p.step);
  return {
    result: { steps },
    commit: async () => {
      await commitRollback(scope, planned);
      scope.log.info({ plugin: slug, moved: steps.map((s) => `${s.slug}@${s.from}->${s.to}`) }, "plugin rolled back");
      return { steps };
    },
  };
}

/** The rows of the upgrade that brought `plugin` to its version, root first: what the rollback undoes. */
async function lastUpgrade(scope: TenantScope, plugin: InstalledPlugin): Promise<ChangeRow[]> {
  const { db, tenantId } = scope;
  const last = await db
    .prepare(
      `SELECT * FROM installation_changes
        WHERE tenant_id = ? AND slug = ? AND kind = 'upgrade' AND rolled_back_at IS NULL AND to_version = ?
        ORDER BY seq DESC LIMIT 1`,
    )
    .bind(tenantId, plugin.slug, plugin.version)
    .first();
  if (!last) {
    throw new LifecycleError(
      "ROLLBACK_REFUSED",
      `${plugin.slug} has no earlier version to roll back to: it was installed at ${plugin.version}, or its last upgrade was already rolled back.`,
      { slug: plugin.slug, version: plugin.version },
    );
  }
  const root = changeRow.parse(last);
  const { results } = await db
    .prepare("SELECT * FROM installation_changes WHERE tenant_id = ? AND change_id = ? ORDER BY slug")
    .bind(tenantId, root.change_id)
    .all();
  const rows = results.map((r) => changeRow.parse(r));
  return [root, ...rows.filter((r) => r.slug !== plugin.slug)];
}

function planStep(
  snapshot: TenantSnapshot,
  change: ChangeRow,
  moving: ReadonlySet<string>,
  root: string,
): PlannedRollback {
  const plugin = snapshot.installed.get(change.slug);
  if (!plugin || plugin.version !== change.to_version) {
    throw new LifecycleError(
      "ROLLBACK_REFUSED",
      `${root}'s last upgrade also moved ${change.slug} to ${change.to_version}, which is now ${plugin ? `at ${plugin.version}` : "uninstalled"}; roll ${change.slug} back on its own first.`,
      { slug: change.slug },
    );
  }
  assertDependentsAllow(snapshot, change.slug, change.from_version, moving);
  const undo = change.migrations
    .map((id) => {
      const migration = plugin.manifest.migrations.find((m) => m.id === id);
      if (migration?.down === undefined) {
        throw new LifecycleError(
          "ROLLBACK_REFUSED",
          `${change.slug}@${change.to_version}'s migration ${id} declares no down, so it cannot be undone: ${change.from_version} would run on a schema it does not know. Upgrade to a version that fixes it instead.`,
          { slug: change.slug, migration: id },
        );
      }
      return migration;
    })
    .reverse();
  return {
    plugin,
    change,
    undo,
    step: {
      slug: change.slug,
      from: change.to_version,
      to: change.from_version,
      reason: change.slug === root ? "requested" : `upgraded with ${root}`,
      permissions: permissionChanges(plugin.permissions, change.permissions_before as Permissions),
      // the configuration the earlier version had is restored as it was stored
      config: [],
      migrations: undo.map((m) => m.id),
      changelog: null,
    },
  };
}

/** Undoes the migrations, then switches back in one batch; a failed switch applies the migrations again. */
async function commitRollback(scope: TenantScope, planned: PlannedRollback[]): Promise<void> {
  const reverted: PlannedRollback[] = [];
  const database = (slug: string) => {
    if (!scope.sandbox) throw new Error("a rollback with migrations to undo needs the sandbox");
    return pluginDatabase(scope.sandbox.env, { tenantId: scope.tenantId, slug });
  };
  try {
    for (const p of planned) {
      if (p.undo.length === 0) continue;
      try {
        await database(p.plugin.slug).revert(p.undo);
      } catch (error) {
        throw new LifecycleError(
          "MIGRATION_FAILED",
          `${p.plugin.slug}: ${error instanceof Error ? error.message : String(error)}; nothing was rolled back.`,
          { slug: p.plugin.slug },
        );
      }
      reverted.push(p);
    }
    const batch = new TransitionBatch(scope);
    const changeId = crypto.randomUUID();
    for (const p of planned) {
      switchVersion(scope, batch, p.plugin, {
        id: changeId,
        kind: "rollback",
        to: p.change.from_version,
        config: p.change.config_before,
        permissions: p.change.permissions_before,
        migrations: p.undo.map((m) => m.id),
      });
    }
    batch.write(
      scope.db
        .prepare("UPDATE installation_changes SET rolled_back_at = ? WHERE tenant_id = ? AND change_id = ?")
        .bind(now(), scope.tenantId, (planned[0] as PlannedRollback).change.change_id),
    );
    await batch.commit();
  } catch (error) {
    for (const p of reverted) await database(p.plugin.slug).migrate(p.plugin.manifest.migrations);
    throw error;
  }
}
