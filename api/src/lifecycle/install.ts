/**
 * available -> installed. Resolves the plugin's dependency graph against the
 * catalogue and what the tenant already has, installs the missing dependencies
 * first (or refuses, naming them), and grants each plugin its declared permissions.
 */
import type { Permissions } from "@digital-commerce/plugin-sdk";
import { prepareConfig } from "../config/index.ts";
import { toCatalogue } from "../registry/index.ts";
import { problemMessage, type ResolutionProblem, resolveDependencies } from "../resolver/index.ts";
import { type CallbackStep, runCallbacks } from "./callbacks.ts";
import { now, type TenantScope, TransitionBatch, type TransitionPlan } from "./commit.ts";
import { LifecycleError, type LifecycleErrorCode } from "./errors.ts";
import { readSnapshot, versionsIn } from "./snapshot.ts";

export interface InstallOptions {
  /** A semver range of acceptable versions; the highest that resolves wins. */
  version?: string;
  config?: Record<string, unknown>;
  /** Install missing dependencies too (default), or refuse and name them. */
  installDependencies?: boolean;
}

export interface InstalledEntry {
  slug: string;
  version: string;
  as_dependency: boolean;
  permissions: Permissions;
}

const problemCodes: Record<ResolutionProblem["code"], LifecycleErrorCode> = {
  MISSING_DEPENDENCY: "DEPENDENCY_MISSING",
  VERSION_CONFLICT: "DEPENDENCY_CONFLICT",
  DEPENDENCY_CYCLE: "DEPENDENCY_CYCLE",
};

export async function installPlugin(
  scope: TenantScope,
  slug: string,
  options: InstallOptions = {},
): Promise<InstalledEntry[]> {
  return (await planInstall(scope, slug, options)).commit();
}

/** The install as it would go: every plugin it installs, dependencies first; refuses as `installPlugin` does. */
export async function planInstall(
  scope: TenantScope,
  slug: string,
  options: InstallOptions = {},
): Promise<TransitionPlan<InstalledEntry[]>> {
  const snapshot = await readSnapshot(scope.catalogue, scope.db, scope.tenantId);
  await versionsIn(scope.catalogue, snapshot, slug);
  const already = snapshot.installed.get(slug);
  if (already) {
    throw new LifecycleError(
      "ILLEGAL_TRANSITION",
      `${slug} is already installed (${already.state}, version ${already.version}).`,
      {
        slug,
        state: already.state,
      },
    );
  }

  const installedVersions = new Map([...snapshot.installed.values()].map((p) => [p.slug, p.version]));
  const resolution = resolveDependencies(toCatalogue(snapshot.versions), {
    slug,
    range: options.version,
    installed: installedVersions,
  });
  if (!resolution.ok) {
    const [first] = resolution.problems;
    const messages = resolution.problems.map(problemMessage);
    throw new LifecycleError(
      problemCodes[(first as ResolutionProblem).code],
      `Cannot install ${slug}: ${messages.join("; ")}`,
      {
        problems: resolution.problems.map((p, i) => ({ ...p, message: messages[i] })),
      },
    );
  }

  const plan = resolution.order.filter((p) => !p.installed);
  const missing = plan.filter((p) => p.slug !== slug);
  if (missing.length > 0 && options.installDependencies === false) {
    throw new LifecycleError(
      "DEPENDENCIES_NOT_INSTALLED",
      `${slug} needs ${missing.map((p) => `${p.slug}@${p.version}`).join(", ")}, not installed for this tenant; install ${missing.length === 1 ? "it" : "them"} first or allow install_dependencies.`,
      { missing: missing.map((p) => ({ slug: p.slug, version: p.version })) },
    );
  }

  const batch = new TransitionBatch(scope);
  const entries: InstalledEntry[] = [];
  const callbacks: CallbackStep[] = [];
  for (const step of plan) {
    // the snapshot already holds every version's manifest: no read per step
    const version = snapshot.versions.find((v) => v.slug === step.slug && v.version === step.version);
    if (!version) throw new Error(`resolved ${step.slug}@${step.version}, which the snapshot does not hold`);
    const { manifest, bundle_hash } = version;
    const isRoot = step.slug === slug;
    const config =
      isRoot && options.config
        ? await prepareConfig(
            manifest.settings_schema,
            options.config,
            {},
            { secret: scope.secret, tenantId: scope.tenantId, slug, allowPrivateUrls: scope.allowPrivateUrls },
          )
        : {};
    const entry = { slug: step.slug, version: step.version, as_dependency: !isRoot, permissions: manifest.permissions };
    callbacks.push({
      slug: step.slug,
      version: step.version,
      manifest,
      bundleHash: bundle_hash,
      granted: manifest.permissions,
      config,
    });
    batch
      .expect(step.slug, null)
      .write(
        scope.db
          .prepare(
            `INSERT INTO installations (tenant_id, slug, version, state, config, permissions, as_dependency, installed_at, updated_at)
             VALUES (?, ?, ?, 'installed', ?, ?, ?, ?, ?)`,
          )
          .bind(
            scope.tenantId,
            step.slug,
            step.version,
            JSON.stringify(config),
            JSON.stringify(manifest.permissions),
            isRoot ? 0 : 1,
            now(),
            now(),
          ),
      )
      .emit("plugin_installed", step.slug, {
        plugin: { slug: step.slug, version: step.version },
        tenant_id: scope.tenantId,
        reason: isRoot ? undefined : `dependency of ${slug}`,
      });
    entries.push(entry);
  }
  return {
    result: entries,
    commit: async () => {
      await runCallbacks(scope, callbacks, "onInstall");
      await batch.commit();
      scope.log.info({ plugin: slug, installed: entries.map((e) => `${e.slug}@${e.version}`) }, "plugin installed");
      return entries;
    },
  };
}
