/**
 * An installation moves to another version, keeping its state: the version is chosen within what
 * the tenant's dependents allow, the graph is resolved again (a dependency the new version needs
 * at another version moves with it; a conflict is refused with the chain behind it), the
 * configuration migrates (config/migrate.ts), new permissions need the operator's approval, and
 * the plugin's pending database migrations run, all or none. Then the new version's onUpgrade
 * runs, and the switch commits. Anything that fails leaves every plugin on its old version with
 * its data as it was.
 *
 * Calls in flight keep the isolate of the version they started on; every call after the commit
 * reads the new installation, so a queued delivery runs on the version active when it runs.
 */
import type { Migration, PluginManifest } from "@digital-commerce/plugin-sdk";
import semver from "semver";
import { migrateConfig } from "../config/index.ts";
import { RequestError } from "../errors/index.ts";
import { type PluginVersion, RegistryError, toCatalogue } from "../registry/index.ts";
import { problemMessage, type ResolutionProblem, resolveDependencies } from "../resolver/index.ts";
import { pluginDatabase } from "../sandbox/index.ts";
import { runCallbacks } from "./callbacks.ts";
import { type TenantScope, TransitionBatch, type TransitionPlan } from "./commit.ts";
import { LifecycleError } from "./errors.ts";
import { type InstalledPlugin, readInstalled, type TenantSnapshot } from "./snapshot.ts";
import { asksForMore, assertDependentsAllow, permissionChanges, switchVersion, type VersionStep } from "./versions.ts";

export interface UpgradeOptions {
  /** An exact version, or a range whose highest allowed version wins; default: the newest version. */
  version?: string;
  /** Values for the new version's settings; the rest carry over from the current configuration. */
  config?: Record<string, unknown>;
  /** The operator approves the permissions the new version asks for beyond what is granted. */
  approvePermissions?: boolean;
}

export interface UpgradePlan {
  steps: VersionStep[];
  /** Whether a step asks for permissions not granted now (the commit then needs approve_permissions). */
  approval_needed: boolean;
}

interface PlannedStep {
  plugin: InstalledPlugin;
  target: PluginVersion;
  config: Record<string, unknown>;
  step: VersionStep;
}

export async function upgradePlugin(scope: TenantScope, slug: string, options: UpgradeOptions = {}) {
  return (await planUpgrade(scope, slug, options)).commit();
}

export async function planUpgrade(
  scope: TenantScope,
  slug: string,
  options: UpgradeOptions = {},
): Promise<TransitionPlan<UpgradePlan>> {
  const { snapshot, plugin } = await readInstalled(scope.catalogue, scope.db, scope.tenantId, slug);
  const moves = chooseMoves(snapshot, plugin, candidateVersions(snapshot, plugin, options.version));
  const planned: PlannedStep[] = [];
  for (const move of moves) {
    const isRoot = move.plugin.slug === slug;
    const migrated = await migrateConfig(
      move.plugin.manifest.settings_schema,
      move.target.manifest.settings_schema,
      move.plugin.config,
      isRoot ? (options.config ?? {}) : {},
      {
        secret: scope.secret,
        tenantId: scope.tenantId,
        slug: move.plugin.slug,
        allowPrivateUrls: scope.allowPrivateUrls,
      },
    );
    planned.push({
      plugin: move.plugin,
      target: move.target,
      config: migrated.config,
      step: {
        slug: move.plugin.slug,
        from: move.plugin.version,
        to: move.target.version,
        reason: isRoot ? "requested" : `dependency of ${slug}`,
        permissions: permissionChanges(move.plugin.permissions, move.target.manifest.permissions),
        config: migrated.changes,
        migrations: await pendingMigrations(scope, move.plugin.slug, move.target.manifest),
        changelog: move.target.manifest.changelog ?? null,
      },
    });
  }
  const steps = planned.map((p) => p.step);
  const approvalNeeded = steps.some((s) => asksForMore(s.permissions));
  const result = { steps, approval_needed: approvalNeeded };
  return {
    result,
    commit: async () => {
      if (approvalNeeded && !options.approvePermissions) throw approvalRequired(steps);
      await commitUpgrade(scope, planned);
      scope.log.info({ plugin: slug, moved: steps.map((s) => `${s.slug}@${s.from}->${s.to}`) }, "plugin upgraded");
      return result;
    },
  };
}

/** The versions `requested` names, newest first (default: every newer stable one); refuses a request naming none. */
function candidateVersions(
  snapshot: TenantSnapshot,
  plugin: InstalledPlugin,
  requested: string | undefined,
): [PluginVersion, ...PluginVersion[]] {
  const all = snapshot.versions.filter((v) => v.slug === plugin.slug);
  const available = all.map((v) => v.version);
  let candidates: PluginVersion[];
  if (requested === undefined) {
    candidates = all.filter((v) => semver.gt(v.version, plugin.version) && semver.prerelease(v.version) === null);
    if (candidates.length === 0) {
      throw new LifecycleError("ILLEGAL_TRANSITION", `${plugin.slug} is at ${plugin.version}, its newest version.`, {
        slug: plugin.slug,
        version: plugin.version,
      });
    }
  } else if (semver.valid(requested)) {
    candidates = all.filter((v) => v.version === requested);
    if (candidates.length === 0) {
      throw new RegistryError(
        "VERSION_NOT_FOUND",
        `${plugin.slug} has no version ${requested}; available: ${available.join(", ")}.`,
        { slug: plugin.slug, version: requested, available },
      );
    }
  } else if (semver.validRange(requested)) {
    candidates = all.filter((v) => semver.satisfies(v.version, requested));
    if (candidates.length === 0) {
      throw new RegistryError(
        "VERSION_NOT_FOUND",
        `No version of ${plugin.slug} satisfies ${requested}; available: ${available.join(", ")}.`,
        { slug: plugin.slug, version: requested, available },
      );
    }
  } else {
    throw new RequestError("VALIDATION_FAILED", `version: "${requested}" is neither a version nor a semver range`, {
      issues: [{ field: "version", message: "must be a version such as 1.2.0 or a range such as ^1.2.0" }],
    });
  }
  return candidates as [PluginVersion, ...PluginVersion[]];
}

/**
 * The moves to the newest candidate the tenant's graph allows (its dependents' ranges, and theirs on
 * the dependencies it moves); when none is allowed, the refusal is the newest candidate's.
 */
function chooseMoves(
  snapshot: TenantSnapshot,
  plugin: InstalledPlugin,
  candidates: [PluginVersion, ...PluginVersion[]],
): { plugin: InstalledPlugin; target: PluginVersion }[] {
  let first: unknown;
  for (const target of candidates) {
    try {
      if (target.version === plugin.version) {
        throw new LifecycleError("ILLEGAL_TRANSITION", `${plugin.slug} is already at ${plugin.version}.`, {
          slug: plugin.slug,
          version: plugin.version,
        });
      }
      assertDependentsAllow(snapshot, plugin.slug, target.version);
      return resolveMoves(snapshot, plugin, target);
    } catch (error) {
      if (!(error instanceof LifecycleError)) throw error;
      first ??= error;
    }
  }
  throw first;
}

/**
 * Every installation that moves, dependencies first: the root to `target`, and each installed
 * dependency whose version the new graph cannot keep. A dependency the tenant does not have is
 * refused (install and activate it first: an active plugin runs only on active dependencies).
 */
function resolveMoves(
  snapshot: TenantSnapshot,
  plugin: InstalledPlugin,
  target: PluginVersion,
): { plugin: InstalledPlugin; target: PluginVersion }[] {
  const catalogue = toCatalogue(snapshot.versions);
  const moving = new Set([plugin.slug]);
  for (;;) {
    const installed = new Map(
      [...snapshot.installed.values()].filter((p) => !moving.has(p.slug)).map((p) => [p.slug, p.version]),
    );
    const resolution = resolveDependencies(catalogue, { slug: plugin.slug, range: target.version, installed });
    if (!resolution.ok) {
      // an installed dependency the new version wants at another version moves with it, and the graph is resolved again
      const movable = resolution.problems.filter(
        (p): p is Extract<ResolutionProblem, { code: "VERSION_CONFLICT" }> =>
          p.code === "VERSION_CONFLICT" && p.installed !== undefined && !moving.has(p.slug),
      );
      if (movable.length > 0) {
        for (const p of movable) moving.add(p.slug);
        continue;
      }
      const messages = resolution.problems.map(problemMessage);
      throw new LifecycleError(
        resolution.problems.some((p) => p.code === "DEPENDENCY_CYCLE") ? "DEPENDENCY_CYCLE" : "DEPENDENCY_CONFLICT",
        `Cannot move ${plugin.slug} to ${target.version}: ${messages.join("; ")}`,
        { problems: resolution.problems.map((p, i) => ({ ...p, message: messages[i] })) },
      );
    }
    const missing = resolution.order.filter((r) => !snapshot.installed.has(r.slug));
    if (missing.length > 0) {
      throw new LifecycleError(
        "DEPENDENCIES_NOT_INSTALLED",
        `${plugin.slug}@${target.version} needs ${missing.map((m) => `${m.slug}@${m.version}`).join(", ")}, not installed for this tenant; install and activate ${missing.length === 1 ? "it" : "them"} first.`,
        { missing: missing.map((m) => ({ slug: m.slug, version: m.version })) },
      );
    }
    return resolution.order.flatMap((r) => {
      const current = snapshot.installed.get(r.slug) as InstalledPlugin;
      if (current.version === r.version) return [];
      // a dependency moved for the new version must still suit the dependents that stay where they are
      assertDependentsAllow(snapshot, r.slug, r.version, moving);
      const version = snapshot.versions.find((v) => v.slug === r.slug && v.version === r.version) as PluginVersion;
      return [{ plugin: current, target: version }];
    });
  }
}

async function pendingMigrations(scope: TenantScope, slug: string, manifest: PluginManifest): Promise<string[]> {
  if (!scope.sandbox || manifest.migrations.length === 0 || !manifest.permissions.capabilities.includes("db"))
    return [];
  return pluginDatabase(scope.sandbox.env, { tenantId: scope.tenantId, slug }).pendingMigrations(manifest.migrations);
}

function approvalRequired(steps: VersionStep[]): LifecycleError {
  const asking = steps.filter((s) => asksForMore(s.permissions));
  const listed = asking.map((s) => {
    const { network, capabilities, sockets } = s.permissions.added;
    const items = [...capabilities, ...network, ...sockets.map((k) => `${k.transport}://${k.host}:${k.port}`)];
    return `${s.slug}@${s.to} asks for ${items.join(", ")}`;
  });
  return new LifecycleError(
    "PERMISSIONS_NOT_APPROVED",
    `${listed.join("; ")}, not granted now; review them (dry_run=true shows the plan) and upgrade again with approve_permissions: true.`,
    { added: asking.map((s) => ({ slug: s.slug, version: s.to, permissions: s.permissions.added })) },
  );
}

/** Migrations, then onUpgrade, then one batch that switches every installation; a failure undoes what ran. */
async function commitUpgrade(scope: TenantScope, planned: PlannedStep[]): Promise<void> {
  const applied: { slug: string; migrations: Migration[] }[] = [];
  const changeId = crypto.randomUUID();
  try {
    for (const p of planned) p.step.migrations = await applyMigrations(scope, p, applied);
    await runCallbacks(
      scope,
      planned.map((p) => ({
        slug: p.plugin.slug,
        version: p.target.version,
        manifest: p.target.manifest,
        bundleHash: p.target.bundle_hash,
        granted: p.target.manifest.permissions,
        config: p.config,
        upgrade: { from: p.plugin.version, to: p.target.version, migrations: p.step.migrations },
      })),
      "onUpgrade",
    );
    const batch = new TransitionBatch(scope);
    for (const p of planned) {
      switchVersion(scope, batch, p.plugin, {
        id: changeId,
        kind: "upgrade",
        to: p.target.version,
        config: p.config,
        permissions: p.target.manifest.permissions,
        migrations: p.step.migrations,
      });
    }
    await batch.commit();
  } catch (error) {
    await undoMigrations(scope, applied);
    throw error;
  }
}

async function applyMigrations(
  scope: TenantScope,
  p: PlannedStep,
  applied: { slug: string; migrations: Migration[] }[],
): Promise<string[]> {
  const { manifest } = p.target;
  if (!scope.sandbox || manifest.migrations.length === 0 || !manifest.permissions.capabilities.includes("db"))
    return [];
  const database = pluginDatabase(scope.sandbox.env, { tenantId: scope.tenantId, slug: p.plugin.slug });
  let ids: string[];
  try {
    ids = await database.migrate(manifest.migrations);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new LifecycleError(
      "MIGRATION_FAILED",
      `${p.plugin.slug}@${p.target.version}: ${message}; nothing was changed: ${p.plugin.slug} stays at ${p.plugin.version} with its database as it was.`,
      { slug: p.plugin.slug, version: p.target.version },
    );
  }
  applied.push({ slug: p.plugin.slug, migrations: manifest.migrations.filter((m) => ids.includes(m.id)) });
  return ids;
}

/**
 * After a failed upgrade, the migrations it applied are undone where they can be (each with its
 * `down`); one without stays, and is logged: the old version runs with a schema it does not use.
 */
async function undoMigrations(scope: TenantScope, applied: { slug: string; migrations: Migration[] }[]) {
  const sandbox = scope.sandbox;
  if (!sandbox) return;
  for (const { slug, migrations } of applied.reverse()) {
    const undoable = migrations.filter((m) => m.down !== undefined);
    const kept = migrations.filter((m) => m.down === undefined).map((m) => m.id);
    try {
      await pluginDatabase(sandbox.env, { tenantId: scope.tenantId, slug }).revert(undoable);
    } catch (error) {
      scope.log.error({ plugin: slug, err: error }, "undoing a failed upgrade's migrations failed");
    }
    if (kept.length > 0)
      scope.log.warn({ plugin: slug, kept }, "a failed upgrade's migrations without down stay applied");
  }
}
