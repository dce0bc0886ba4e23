/** Builds the admin API's read models from the registry and a tenant's snapshot. */
import semver from "semver";
import { missingRequired } from "../config/index.ts";
import type { InstalledPlugin, TenantSnapshot } from "../lifecycle/index.ts";
import { installedDependents } from "../lifecycle/index.ts";
import type { PluginVersion } from "../registry/index.ts";
import { toCatalogue } from "../registry/index.ts";
import { problemMessage, resolveDependencies } from "../resolver/index.ts";
import type { CallStats } from "../sandbox/index.ts";
import type { AvailableView, DependencyNode, InstallationView } from "./schemas.ts";

export function installationViewOf(p: InstalledPlugin): InstallationView {
  return {
    slug: p.slug,
    name: p.manifest.name,
    category: p.manifest.category,
    version: p.version,
    state: p.state,
    as_dependency: p.as_dependency,
    permissions: p.permissions,
    installed_at: p.installed_at,
    updated_at: p.updated_at,
  };
}

/** Versions grouped by slug, newest first (listPluginVersions already sorts them so). */
export function bySlug(versions: readonly PluginVersion[]): Map<string, PluginVersion[]> {
  const groups = new Map<string, PluginVersion[]>();
  for (const v of versions) groups.set(v.slug, [...(groups.get(v.slug) ?? []), v]);
  return groups;
}

/** The newest stable version (a development build such as 1.0.1-dev.3 is not "latest"), else the newest. */
export function latestOf(versions: readonly PluginVersion[]): PluginVersion {
  return versions.find((v) => semver.prerelease(v.version) === null) ?? (versions[0] as PluginVersion);
}

export function availableViews(snapshot: TenantSnapshot): AvailableView[] {
  return [...bySlug(snapshot.versions).values()].map((versions) => {
    const latest = latestOf(versions);
    const m = latest.manifest;
    return {
      slug: m.slug,
      name: m.name,
      category: m.category,
      description: m.description,
      author: m.author,
      latest_version: latest.version,
      versions: versions.map((v) => v.version),
      dependencies: m.dependencies,
      permissions: m.permissions,
      state: snapshot.installed.get(m.slug)?.state ?? "available",
    };
  });
}

/** The plugin's dependency tree as the tenant would get it, with what is installed and what is wrong. */
export function dependenciesViewOf(snapshot: TenantSnapshot, slug: string) {
  const installed = snapshot.installed.get(slug);
  const resolution = resolveDependencies(toCatalogue(snapshot.versions), {
    slug,
    range: installed?.version,
    installed: new Map([...snapshot.installed.values()].map((p) => [p.slug, p.version])),
  });
  const chosen = new Map(resolution.ok ? resolution.order.map((p) => [p.slug, p.version]) : []);
  const manifests = new Map(snapshot.versions.map((v) => [`${v.slug}@${v.version}`, v.manifest]));
  const rootVersion =
    installed?.version ?? chosen.get(slug) ?? snapshot.versions.find((v) => v.slug === slug)?.version ?? null;

  const tree = (of: string, version: string | null, path: Set<string>): DependencyNode[] => {
    const manifest = version ? manifests.get(`${of}@${version}`) : undefined;
    return (manifest?.dependencies ?? []).map((d) => {
      const have = snapshot.installed.get(d.name);
      const version = have?.version ?? chosen.get(d.name) ?? null;
      const known = snapshot.versions.some((v) => v.slug === d.name);
      return {
        slug: d.name,
        range: d.version,
        version,
        state: have?.state ?? (known ? "available" : "missing"),
        satisfied: version !== null && semver.satisfies(version, d.version),
        // a cycle is reported in problems; the tree stops where it would repeat
        dependencies: path.has(d.name) ? [] : tree(d.name, version, new Set([...path, d.name])),
      };
    });
  };

  return {
    slug,
    version: rootVersion,
    resolvable: resolution.ok,
    dependencies: tree(slug, rootVersion, new Set([slug])),
    dependents: installedDependents(snapshot, slug).map((p) => ({ slug: p.slug, state: p.state })),
    problems: resolution.ok ? [] : resolution.problems.map((p) => ({ ...p, message: problemMessage(p) })),
  };
}

/** Every available plugin as a node (the tenant's version and state), every declared dependency as an edge. */
export function graphViewOf(snapshot: TenantSnapshot) {
  const nodes = [...bySlug(snapshot.versions).values()].map((versions) => {
    const latest = latestOf(versions);
    const have = snapshot.installed.get(latest.slug);
    return {
      slug: latest.slug,
      name: (have?.manifest ?? latest.manifest).name,
      version: have?.version ?? latest.version,
      state: have?.state ?? ("available" as const),
    };
  });
  const versionOf = new Map(nodes.map((n) => [n.slug, n.version]));
  const manifests = new Map(snapshot.versions.map((v) => [`${v.slug}@${v.version}`, v.manifest]));
  const edges = nodes.flatMap((n) =>
    (manifests.get(`${n.slug}@${n.version}`)?.dependencies ?? []).map((d) => {
      const target = versionOf.get(d.name);
      return {
        from: n.slug,
        to: d.name,
        range: d.version,
        satisfied: target !== undefined && semver.satisfies(target, d.version),
      };
    }),
  );
  return { nodes, edges };
}

export interface LastError {
  at: string;
  code: string;
  message: string;
}

/** Health as far as the platform core can tell: state, dependencies, configuration, last error. */
/** An error this recent marks an otherwise passing plugin as degraded. */
const RECENT_ERROR_MS = 60 * 60 * 1000;

export function healthViewOf(
  snapshot: TenantSnapshot,
  slug: string,
  lastError: LastError | null,
  calls: CallStats,
  /** Checks only the plugin can make (its connection to its provider), already made. */
  pluginChecks: { name: string; ok: boolean; detail: string }[] = [],
  now = Date.now(),
) {
  const p = snapshot.installed.get(slug);
  if (!p)
    return {
      slug,
      state: "available" as const,
      status: "not_installed" as const,
      checks: [],
      last_error: lastError,
      calls,
    };
  const deps = p.manifest.dependencies.map((d) => {
    const have = snapshot.installed.get(d.name);
    const ok = have?.state === "active" && semver.satisfies(have.version, d.version);
    return {
      name: `dependency:${d.name}`,
      ok,
      detail: have ? `${d.name}@${have.version} is ${have.state} (needs ${d.version})` : `${d.name} is not installed`,
    };
  });
  const missing = missingRequired(p.manifest.settings_schema, p.config);
  const checks = [
    ...deps,
    {
      name: "configuration",
      ok: missing.length === 0,
      detail: missing.length === 0 ? "every required setting has a value" : `missing ${missing.join(", ")}`,
    },
    ...pluginChecks,
  ];
  const failing = checks.some((c) => !c.ok);
  const status =
    p.state !== "active"
      ? ("inactive" as const)
      : failing
        ? ("unhealthy" as const)
        : [lastError?.at, calls.last_error?.at].some((at) => at !== undefined && now - Date.parse(at) < RECENT_ERROR_MS)
          ? ("degraded" as const)
          : ("healthy" as const);
  return { slug, state: p.state, status, checks, last_error: lastError, calls };
}
