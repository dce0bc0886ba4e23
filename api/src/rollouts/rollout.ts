/**
 * Canary rollouts: a version of a plugin goes to a share of the tenants that have it (or to named
 * tenants) first, each upgraded in its own scope as its operator's upgrade would (tenant-move.ts);
 * the rollout is widened to more tenants, finished at 100%, or stopped, which rolls back every tenant
 * it upgraded that is still on its version. One rollout of a plugin is open at a time.
 *
 * The population a share is of: the tenants the index says have the plugin below the rollout's
 * version, and those the rollout took already (whatever their version now). A tenant on the version
 * or past it already has nothing to roll out.
 */
import semver from "semver";
import { RequestError } from "../errors/index.ts";
import { ledgerDb } from "../ledger/index.ts";
import { findInstallation, RegistryError, versionsOf } from "../registry/index.ts";
import { rankOf, toTake } from "./cohort.ts";
import { RolloutError } from "./errors.ts";
import { type CohortMember, type RolloutHealth, rolloutHealth } from "./health.ts";
import { inTurns } from "./in-turns.ts";
import {
  claimTenant,
  createRollout,
  findRollout,
  type Rollout,
  type RolloutTenant,
  rolloutTenants,
  setRollout,
  settleTenant,
  type TenantOutcome,
  type TenantStatus,
  tenantStatuses,
} from "./store.ts";
import { type FleetDeps, rollBackTenant, upgradeTenant } from "./tenant-move.ts";
import { tenantsWith } from "./tenant-plugins.ts";

export interface RolloutRequest {
  version: string;
  /** Percent of the population (1-100). */
  share?: number;
  /** Tenant slugs taken whatever the share. */
  tenants?: string[];
}

export interface RolloutView extends Rollout {
  /** The population the share is of, now. */
  eligible: number;
  counts: Record<TenantStatus, number>;
  tenants: RolloutTenant[];
  health: RolloutHealth & { since: string };
}

interface Candidate {
  tenantId: string;
  tenantSlug: string;
  rank: string;
  fromVersion: string;
}

export async function startRollout(
  deps: FleetDeps,
  slug: string,
  request: RolloutRequest,
  startedBy: string,
): Promise<RolloutView> {
  const { env } = deps;
  const versions = await versionsOf(env.DB, slug);
  if (!versions.some((v) => v.version === request.version)) {
    const available = versions.map((v) => v.version);
    throw new RegistryError(
      "VERSION_NOT_FOUND",
      `version: ${slug} has no version ${request.version}; available: ${available.join(", ")}.`,
      { slug, version: request.version, available },
    );
  }
  // named tenants are checked before anything starts, so a typo refuses the whole request
  const named = await namedTenants(deps, slug, request.version, request.tenants ?? [], new Set());
  const rollout = await createRollout(env.DB, { slug, version: request.version, share: 0, startedBy });
  return await advance(deps, rollout, request.share ?? 0, named);
}

export async function widenRollout(
  deps: FleetDeps,
  slug: string,
  id: string,
  request: { share?: number; tenants?: string[] },
): Promise<RolloutView> {
  const rollout = await findRollout(deps.env.DB, slug, id);
  if (rollout.state !== "open") {
    throw new RolloutError(
      "ROLLOUT_NOT_OPEN",
      `Rollout ${id} is ${rollout.state}; start a new rollout of ${slug} instead.`,
      { rollout_id: id, state: rollout.state },
    );
  }
  const share = request.share ?? rollout.share;
  if (share < rollout.share) {
    throw new RequestError(
      "VALIDATION_FAILED",
      `share: ${share} is below the rollout's ${rollout.share}%; a rollout only widens (stop it to go back).`,
      { issues: [{ field: "share", message: `must be at least ${rollout.share}` }] },
    );
  }
  const taken = new Set((await rolloutTenants(deps.env.DB, id)).map((t) => t.tenant_id));
  const named = await namedTenants(deps, slug, rollout.version, request.tenants ?? [], taken);
  return await advance(deps, rollout, share, named);
}

/** Rolls back every tenant the rollout upgraded that is still on its version; the rollout ends stopped. */
export async function stopRollout(deps: FleetDeps, slug: string, id: string): Promise<RolloutView> {
  const { env } = deps;
  const rollout = await findRollout(env.DB, slug, id);
  if (rollout.state === "stopped") {
    throw new RolloutError("ROLLOUT_NOT_OPEN", `Rollout ${id} is stopped already.`, {
      rollout_id: id,
      state: rollout.state,
    });
  }
  const upgraded = (await rolloutTenants(env.DB, id)).filter((t) => t.status === "upgraded");
  await inTurns(upgraded, async (t) => {
    const log = deps.log.child({ tenant: t.tenant_id, plugin: slug, rollout: id });
    const outcome = await rollBackTenant(deps, { tenantId: t.tenant_id, slug, version: rollout.version, log });
    await settleTenant(env.DB, id, t.tenant_id, outcome);
  });
  deps.log.info({ plugin: slug, rollout: id, tenants: upgraded.length }, "rollout stopped");
  return await rolloutView(deps, await setRollout(env.DB, rollout, { state: "stopped" }));
}

/** Takes the named tenants and as many more by rank as `share` needs, upgrading each; finished at 100. */
async function advance(deps: FleetDeps, rollout: Rollout, share: number, named: Candidate[]): Promise<RolloutView> {
  const { env } = deps;
  const taken = await rolloutTenants(env.DB, rollout.id);
  const takenIds = new Set([...taken.map((t) => t.tenant_id), ...named.map((n) => n.tenantId)]);
  const population = await populationOf(deps, rollout, taken);
  const picks = [
    ...named.map((n) => ({ ...n, picked: "named" as const })),
    ...toTake(population, takenIds, share).map((p) => ({ ...p, picked: "share" as const })),
  ];
  await inTurns(picks, async (p) => {
    if (!(await claimTenant(env.DB, rollout.id, p))) return;
    const log = deps.log.child({ tenant: p.tenantId, plugin: rollout.slug, rollout: rollout.id });
    let outcome: TenantOutcome;
    try {
      outcome = await upgradeTenant(deps, { tenantId: p.tenantId, slug: rollout.slug, version: rollout.version, log });
    } catch (error) {
      // the tenant's ledger could not be read: it was not moved
      log.error({ err: error }, "a rollout could not reach a tenant");
      outcome = { status: "failed", reason: { code: "INTERNAL", message: "The tenant's ledger could not be read." } };
    }
    await settleTenant(env.DB, rollout.id, p.tenantId, outcome);
  });
  const next = await setRollout(env.DB, rollout, {
    share: Math.max(share, rollout.share),
    ...(share >= 100 ? { state: "finished" as const } : {}),
  });
  deps.log.info(
    { plugin: rollout.slug, rollout: rollout.id, version: rollout.version, share: next.share, took: picks.length },
    "rollout advanced",
  );
  return await rolloutView(deps, next);
}

/** The tenants the share is of: below the version in the index, and every tenant the rollout took already. */
async function populationOf(deps: FleetDeps, rollout: Rollout, taken: RolloutTenant[]): Promise<Candidate[]> {
  const takenIds = new Set(taken.map((t) => t.tenant_id));
  const below = (await tenantsWith(deps.env.DB, rollout.slug)).filter(
    (t) => !takenIds.has(t.tenantId) && semver.lt(t.version, rollout.version),
  );
  return [
    ...taken.map((t) => ({
      tenantId: t.tenant_id,
      tenantSlug: t.tenant_slug,
      rank: t.rank,
      fromVersion: t.from_version,
    })),
    ...(await Promise.all(
      below.map(async (t) => ({
        tenantId: t.tenantId,
        tenantSlug: t.tenantSlug,
        rank: await rankOf(rollout.slug, t.tenantId),
        fromVersion: t.version,
      })),
    )),
  ];
}

/**
 * The named tenants not taken yet, each checked in its own ledger: it exists and has the plugin below
 * the version. Any that does not refuses the request, naming it.
 */
async function namedTenants(
  deps: FleetDeps,
  slug: string,
  version: string,
  slugs: string[],
  taken: ReadonlySet<string>,
): Promise<Candidate[]> {
  const wanted = [...new Set(slugs)];
  if (wanted.length === 0) return [];
  const { env } = deps;
  const { results } = await env.DB.prepare(
    `SELECT id, slug FROM tenants WHERE slug IN (${wanted.map(() => "?").join(", ")})`,
  )
    .bind(...wanted)
    .all<{ id: string; slug: string }>();
  const bySlug = new Map(results.map((r) => [r.slug, r.id]));
  const unknown = wanted.filter((s) => !bySlug.has(s));
  if (unknown.length > 0) {
    throw new RolloutError("TENANT_NOT_FOUND", `tenants: no tenant ${unknown.map((s) => `"${s}"`).join(", ")}.`, {
      issues: unknown.map((s) => ({ field: "tenants", message: `no tenant "${s}"` })),
    });
  }
  const candidates = await inTurns(
    wanted.filter((s) => !taken.has(bySlug.get(s) as string)),
    async (tenantSlug) => {
      const tenantId = bySlug.get(tenantSlug) as string;
      const installed = await findInstallation(ledgerDb(env, tenantId), tenantId, slug);
      const problem = !installed
        ? `${tenantSlug} does not have ${slug} installed`
        : semver.lt(installed.version, version)
          ? null
          : `${tenantSlug} runs ${slug} ${installed.version}, not below ${version}`;
      return {
        tenantId,
        tenantSlug,
        rank: await rankOf(slug, tenantId),
        fromVersion: installed?.version ?? "",
        problem,
      };
    },
  );
  const ineligible = candidates.filter((c) => c.problem !== null);
  if (ineligible.length > 0) {
    throw new RolloutError(
      "ROLLOUT_TENANT_INELIGIBLE",
      `tenants: ${ineligible.map((c) => c.problem).join("; ")}. A rollout moves installations below its version only.`,
      { issues: ineligible.map((c) => ({ field: "tenants", message: c.problem })) },
    );
  }
  return candidates.map(({ problem: _, ...c }) => c);
}

/** The rollout with every tenant it took, the counts, and the canary's health against the rest. */
export async function rolloutView(deps: FleetDeps, rollout: Rollout): Promise<RolloutView> {
  const { env } = deps;
  const [tenants, running] = await Promise.all([rolloutTenants(env.DB, rollout.id), tenantsWith(env.DB, rollout.slug)]);
  const counts = Object.fromEntries(tenantStatuses.map((s) => [s, 0])) as Record<TenantStatus, number>;
  for (const t of tenants) counts[t.status]++;
  const canary: CohortMember[] = tenants
    .filter((t) => t.status === "upgraded" && t.upgraded_at !== null)
    .map((t) => ({ tenantId: t.tenant_id, since: t.upgraded_at as string }));
  const canaryIds = new Set(canary.map((c) => c.tenantId));
  const rest = await Promise.all(
    running
      .filter((t) => !canaryIds.has(t.tenantId) && t.version !== rollout.version)
      .map(async (t) => ({
        tenantId: t.tenantId,
        since: rollout.created_at,
        rank: await rankOf(rollout.slug, t.tenantId),
      })),
  );
  rest.sort((a, b) => (a.rank < b.rank ? -1 : 1));
  const takenIds = new Set(tenants.map((t) => t.tenant_id));
  const eligible =
    tenants.length + running.filter((t) => !takenIds.has(t.tenantId) && semver.lt(t.version, rollout.version)).length;
  const health = await rolloutHealth(env, rollout.slug, canary, rest);
  return { ...rollout, eligible, counts, tenants, health: { since: rollout.created_at, ...health } };
}

export async function rolloutById(deps: FleetDeps, slug: string, id: string): Promise<RolloutView> {
  return await rolloutView(deps, await findRollout(deps.env.DB, slug, id));
}
