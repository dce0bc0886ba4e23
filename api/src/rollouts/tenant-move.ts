/**
 * One tenant of a rollout moved, through the same lifecycle calls its own operator's upgrade and
 * rollback go through, in that tenant's scope: `planUpgrade` to the rollout's version, never
 * approving a permission for the tenant (its operator approves, with its own upgrade), and
 * `planRollback` when the rollout stops.
 */
import semver from "semver";
import type { ApiEnv } from "../env.ts";
import { PlatformError } from "../errors/index.ts";
import { ledgerDb } from "../ledger/index.ts";
import { planRollback, planUpgrade, type TenantScope, type VersionStep } from "../lifecycle/index.ts";
import type { Logger } from "../logging/index.ts";
import { urlPolicyOf } from "../net/index.ts";
import { findInstallation } from "../registry/index.ts";
import type { SandboxDeps } from "../sandbox/index.ts";
import type { TenantOutcome } from "./store.ts";
import { indexAfterCommit } from "./tenant-plugins.ts";

/** What a rollout needs to act in any tenant's scope: the bindings, and the request's means to run plugin code. */
export interface FleetDeps extends Omit<SandboxDeps, "calls"> {
  env: ApiEnv;
  /** Told each tenant whose installations the rollout changed (the admin API drops its cached views of it). */
  changed?: (tenantId: string) => void;
}

/** A tenant's scope as its own admin request builds it (admin/plugins.ts), for a tenant the rollout moves. */
export function tenantScope(deps: FleetDeps, tenantId: string, log: Logger): TenantScope {
  const { env } = deps;
  return {
    catalogue: env.DB,
    db: ledgerDb(env, tenantId),
    queues: env,
    tenantId,
    secret: env.CONFIG_ENCRYPTION_KEY,
    allowPrivateUrls: urlPolicyOf(env).allowPrivate,
    log,
    sandbox: { env, exports: deps.exports, waitUntil: deps.waitUntil, log },
    afterCommit: indexAfterCommit(env, tenantId),
  };
}

/** The permissions each step asks for beyond what the tenant granted, for the reason a tenant is blocked. */
function askedFor(steps: VersionStep[]): string {
  return steps
    .flatMap((s) => {
      const { capabilities, network, sockets } = s.permissions.added;
      const items = [...capabilities, ...network, ...sockets.map((k) => `${k.transport}://${k.host}:${k.port}`)];
      return items.length > 0 ? [`${s.slug}@${s.to} asks for ${items.join(", ")}`] : [];
    })
    .join("; ");
}

/** One tenant a rollout moves: its plugin, the rollout's version, and the log bound to both. */
export interface TenantMove {
  tenantId: string;
  slug: string;
  version: string;
  log: Logger;
}

/** The tenant's scope and its installation of the plugin, as its ledger has it now. */
async function reach(deps: FleetDeps, move: TenantMove) {
  const scope = tenantScope(deps, move.tenantId, move.log);
  return { scope, installed: await findInstallation(scope.db, move.tenantId, move.slug) };
}

/** A coded refusal as it is; anything else logged whole and reported without its internals. */
function reasonOf(error: unknown, move: TenantMove, what: "upgrade" | "rollback"): { code: string; message: string } {
  if (error instanceof PlatformError) return { code: error.code, message: error.message };
  move.log.error({ err: error, plugin: move.slug }, `a rollout's ${what} of a tenant failed`);
  return { code: "INTERNAL", message: `Internal error during the ${what}; see the platform's log.` };
}

/**
 * Upgrades the plugin to the rollout's version in one tenant. Refused before anything ran (new
 * permissions to approve, a configuration that cannot move, a dependent's range): `blocked`, with the
 * refusal; failed while it ran (a migration, onUpgrade, a concurrent change): `failed`, the tenant
 * still on its version. A tenant no longer below the version (it moved on its own, or uninstalled) is
 * `skipped`.
 */
export async function upgradeTenant(deps: FleetDeps, move: TenantMove): Promise<TenantOutcome> {
  const { slug, version } = move;
  const { scope, installed } = await reach(deps, move);
  if (!installed) {
    return { status: "skipped", reason: { code: "NOT_INSTALLED", message: `${slug} is no longer installed.` } };
  }
  const from = installed.version;
  if (!semver.lt(from, version)) {
    return {
      status: "skipped",
      reason: { code: "ALREADY_AT", message: `${slug} is at ${from} already, not below ${version}.` },
    };
  }
  let plan: Awaited<ReturnType<typeof planUpgrade>>;
  try {
    plan = await planUpgrade(scope, slug, { version });
  } catch (error) {
    const reason = reasonOf(error, move, "upgrade");
    return { status: error instanceof PlatformError ? "blocked" : "failed", reason, from };
  }
  if (plan.result.approval_needed) {
    const message = `${askedFor(plan.result.steps)}, not granted now. The tenant's own operator approves them by upgrading: POST /api/admin/plugins/${slug}/upgrade {"version": "${version}", "approve_permissions": true}.`;
    return { status: "blocked", reason: { code: "PERMISSIONS_NOT_APPROVED", message }, from };
  }
  try {
    await plan.commit();
  } catch (error) {
    return { status: "failed", reason: reasonOf(error, move, "upgrade"), from };
  } finally {
    deps.changed?.(move.tenantId);
  }
  return { status: "upgraded", from };
}

/**
 * Rolls one tenant back from the rollout's version, when it is still on it: the upgrade the rollout
 * made is its last. A tenant that moved on since is left alone, and so is one whose rollback is
 * refused (a migration without down): it stays `upgraded`, with the reason.
 */
export async function rollBackTenant(deps: FleetDeps, move: TenantMove): Promise<TenantOutcome> {
  const { scope, installed } = await reach(deps, move);
  if (installed?.version !== move.version) {
    const now = installed ? `at ${installed.version}` : "uninstalled";
    const message = `${move.slug} is ${now} now, not ${move.version}: left alone.`;
    return { status: "upgraded", reason: { code: "MOVED_ON", message } };
  }
  try {
    await (await planRollback(scope, move.slug)).commit();
  } catch (error) {
    return { status: "upgraded", reason: reasonOf(error, move, "rollback") };
  } finally {
    deps.changed?.(move.tenantId);
  }
  return { status: "rolled_back" };
}
