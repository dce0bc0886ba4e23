/**
 * What moving an installation to another version involves, shared by upgrade and rollback: the
 * dependents whose ranges bound the move, the permission changes, and the writes of the switch.
 */
import type { Permissions } from "@digital-commerce/plugin-sdk";
import semver from "semver";
import type { PermissionChanges, VersionStep } from "../admin/answers/index.ts";
import { now, type TenantScope, type TransitionBatch } from "./commit.ts";
import { LifecycleError } from "./errors.ts";
import type { InstalledPlugin, TenantSnapshot } from "./snapshot.ts";

// the shapes are the admin API's answers (admin/answers), shared with the CLI and the dashboard
export type { PermissionChanges, VersionStep };

export interface DependentRange {
  slug: string;
  version: string;
  range: string;
}

/** Installed plugins that depend on `slug` directly, each with the range it puts on it. */
export function dependentRanges(snapshot: TenantSnapshot, slug: string): DependentRange[] {
  return [...snapshot.installed.values()].flatMap((p) =>
    p.manifest.dependencies
      .filter((d) => d.name === slug)
      .map((d) => ({ slug: p.slug, version: p.version, range: d.version })),
  );
}

/** Refuses a move of `slug` to `version` that a dependent's range does not allow, naming each such dependent. */
export function assertDependentsAllow(
  snapshot: TenantSnapshot,
  slug: string,
  version: string,
  moving: ReadonlySet<string> = new Set(),
): void {
  const blocking = dependentRanges(snapshot, slug).filter(
    (d) => !moving.has(d.slug) && !semver.satisfies(version, d.range, { includePrerelease: true }),
  );
  if (blocking.length === 0) return;
  throw new LifecycleError(
    "DEPENDENCY_CONFLICT",
    `Cannot move ${slug} to ${version}: ${blocking.map((d) => `${d.slug}@${d.version} requires ${slug}@${d.range}`).join("; ")}.`,
    { slug, version, conflicts: blocking },
  );
}

const minus = <T>(a: readonly T[], b: readonly T[], key: (x: T) => string = String) => {
  const have = new Set(b.map(key));
  return a.filter((x) => !have.has(key(x)));
};

export function permissionChanges(granted: Permissions, wanted: Permissions): PermissionChanges {
  const socketKey = (s: Permissions["sockets"][number]) => JSON.stringify(s);
  return {
    added: {
      network: minus(wanted.network, granted.network),
      capabilities: minus(wanted.capabilities, granted.capabilities),
      sockets: minus(wanted.sockets, granted.sockets, socketKey),
    },
    removed: {
      network: minus(granted.network, wanted.network),
      capabilities: minus(granted.capabilities, wanted.capabilities),
      sockets: minus(granted.sockets, wanted.sockets, socketKey),
    },
  };
}

export function asksForMore(changes: PermissionChanges): boolean {
  const { network, capabilities, sockets } = changes.added;
  return network.length + capabilities.length + sockets.length > 0;
}

/** The switch of one installation, guarded on the state and version it was planned from, with its record. */
export function switchVersion(
  scope: TenantScope,
  batch: TransitionBatch,
  plugin: InstalledPlugin,
  change: {
    id: string;
    kind: "upgrade" | "rollback";
    to: string;
    config: Record<string, unknown>;
    permissions: Permissions;
    migrations: string[];
  },
): void {
  const { db, tenantId } = scope;
  const at = now();
  batch
    .expect(plugin.slug, plugin.state, plugin.version)
    .write(
      db
        .prepare(
          "UPDATE installations SET version = ?, config = ?, permissions = ?, updated_at = ? WHERE tenant_id = ? AND slug = ?",
        )
        .bind(change.to, JSON.stringify(change.config), JSON.stringify(change.permissions), at, tenantId, plugin.slug),
    )
    .write(
      db
        .prepare(
          `INSERT INTO installation_changes
             (tenant_id, slug, seq, change_id, kind, from_version, to_version, config_before, permissions_before, migrations, at)
           SELECT ?, ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?
             FROM installation_changes WHERE tenant_id = ? AND slug = ?`,
        )
        .bind(
          tenantId,
          plugin.slug,
          change.id,
          change.kind,
          plugin.version,
          change.to,
          JSON.stringify(plugin.config),
          JSON.stringify(plugin.permissions),
          JSON.stringify(change.migrations),
          at,
          tenantId,
          plugin.slug,
        ),
    );
}
