/** The rollouts and the tenants each one took (D1: `rollouts`, `rollout_tenants`, migration 0015). */
import { z } from "zod";
import type { GlobalDb } from "../ledger/tenant-db.ts";
import { RolloutError } from "./errors.ts";

export const rolloutStates = ["open", "finished", "stopped"] as const;
export const tenantStatuses = ["pending", "upgraded", "blocked", "failed", "skipped", "rolled_back"] as const;
export type TenantStatus = (typeof tenantStatuses)[number];

const rolloutRow = z.object({
  id: z.string(),
  slug: z.string(),
  version: z.string(),
  share: z.number(),
  state: z.enum(rolloutStates),
  started_by: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  finished_at: z.string().nullable(),
  stopped_at: z.string().nullable(),
});
export type Rollout = z.infer<typeof rolloutRow>;

const tenantRow = z.object({
  tenant_id: z.string(),
  tenant_slug: z.string(),
  picked: z.enum(["share", "named"]),
  rank: z.string(),
  from_version: z.string(),
  status: z.enum(tenantStatuses),
  reason_code: z.string().nullable(),
  reason: z.string().nullable(),
  upgraded_at: z.string().nullable(),
  rolled_back_at: z.string().nullable(),
  updated_at: z.string(),
});
export type RolloutTenant = z.infer<typeof tenantRow>;

/** What became of one tenant: its new status, and why when it is not the one hoped for. */
export interface TenantOutcome {
  status: Exclude<TenantStatus, "pending">;
  reason?: { code: string; message: string };
  /** The version its ledger had when the rollout reached it (the index it was picked by may lag). */
  from?: string;
}

export const now = () => new Date().toISOString();

export async function createRollout(
  db: GlobalDb,
  input: { slug: string; version: string; share: number; startedBy: string },
): Promise<Rollout> {
  const open = await openRolloutOf(db, input.slug);
  if (open) throw inProgress(open);
  const at = now();
  const rollout: Rollout = {
    id: `ro_${crypto.randomUUID().replaceAll("-", "")}`,
    slug: input.slug,
    version: input.version,
    share: 0,
    state: "open",
    started_by: input.startedBy,
    created_at: at,
    updated_at: at,
    finished_at: null,
    stopped_at: null,
  };
  try {
    await db
      .prepare(
        `INSERT INTO rollouts (id, slug, version, share, state, started_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'open', ?, ?, ?)`,
      )
      .bind(rollout.id, rollout.slug, rollout.version, rollout.share, rollout.started_by, at, at)
      .run();
  } catch (error) {
    // another rollout of the plugin opened between the read above and this insert
    if (error instanceof Error && /UNIQUE constraint failed/i.test(error.message)) {
      const raced = await openRolloutOf(db, input.slug);
      if (raced) throw inProgress(raced);
    }
    throw error;
  }
  return rollout;
}

function inProgress(open: Rollout): RolloutError {
  return new RolloutError(
    "ROLLOUT_IN_PROGRESS",
    `${open.slug} has an open rollout (${open.id}, ${open.version} at ${open.share}%); widen or stop it before starting another.`,
    { slug: open.slug, rollout_id: open.id, version: open.version, share: open.share },
  );
}

export async function openRolloutOf(db: GlobalDb, slug: string): Promise<Rollout | null> {
  const row = await db.prepare("SELECT * FROM rollouts WHERE slug = ? AND state = 'open'").bind(slug).first();
  return row === null ? null : rolloutRow.parse(row);
}

/** The rollout `id` of `slug`, or ROLLOUT_NOT_FOUND. */
export async function findRollout(db: GlobalDb, slug: string, id: string): Promise<Rollout> {
  const row = await db.prepare("SELECT * FROM rollouts WHERE id = ? AND slug = ?").bind(id, slug).first();
  if (row === null) {
    throw new RolloutError(
      "ROLLOUT_NOT_FOUND",
      `${slug} has no rollout "${id}"; GET /api/admin/plugins/${slug}/rollouts lists them.`,
      { slug, rollout_id: id },
    );
  }
  return rolloutRow.parse(row);
}

/** The rollouts of `slug`, newest first. */
export async function listRollouts(db: GlobalDb, slug: string): Promise<Rollout[]> {
  const { results } = await db
    .prepare("SELECT * FROM rollouts WHERE slug = ? ORDER BY created_at DESC")
    .bind(slug)
    .all();
  return results.map((r) => rolloutRow.parse(r));
}

export async function setRollout(
  db: GlobalDb,
  rollout: Rollout,
  change: { share?: number; state?: Rollout["state"] },
): Promise<Rollout> {
  const at = now();
  const next: Rollout = {
    ...rollout,
    share: change.share ?? rollout.share,
    state: change.state ?? rollout.state,
    updated_at: at,
    finished_at: change.state === "finished" ? at : rollout.finished_at,
    stopped_at: change.state === "stopped" ? at : rollout.stopped_at,
  };
  await db
    .prepare("UPDATE rollouts SET share = ?, state = ?, updated_at = ?, finished_at = ?, stopped_at = ? WHERE id = ?")
    .bind(next.share, next.state, at, next.finished_at, next.stopped_at, rollout.id)
    .run();
  return next;
}

/** Every tenant the rollout took, by rank. */
export async function rolloutTenants(db: GlobalDb, rolloutId: string): Promise<RolloutTenant[]> {
  const { results } = await db
    .prepare(
      `SELECT rt.*, t.slug AS tenant_slug FROM rollout_tenants rt JOIN tenants t ON t.id = rt.tenant_id
        WHERE rt.rollout_id = ? ORDER BY rt.rank`,
    )
    .bind(rolloutId)
    .all();
  return results.map((r) => tenantRow.parse(r));
}

/**
 * Takes a tenant into the rollout as `pending`, before its upgrade starts. False when it is in it
 * already (a concurrent widening took it): then this caller leaves it alone.
 */
export async function claimTenant(
  db: GlobalDb,
  rolloutId: string,
  tenant: { tenantId: string; picked: "share" | "named"; rank: string; fromVersion: string },
): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO rollout_tenants (rollout_id, tenant_id, picked, rank, from_version, status, updated_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (rollout_id, tenant_id) DO NOTHING`,
    )
    .bind(rolloutId, tenant.tenantId, tenant.picked, tenant.rank, tenant.fromVersion, now())
    .run();
  return result.meta.changes > 0;
}

export async function settleTenant(
  db: GlobalDb,
  rolloutId: string,
  tenantId: string,
  outcome: TenantOutcome,
): Promise<void> {
  const at = now();
  await db
    .prepare(
      `UPDATE rollout_tenants SET status = ?, reason_code = ?, reason = ?, updated_at = ?, from_version = COALESCE(?, from_version),
              upgraded_at = CASE WHEN ? = 'upgraded' THEN COALESCE(upgraded_at, ?) ELSE upgraded_at END,
              rolled_back_at = CASE WHEN ? = 'rolled_back' THEN ? ELSE rolled_back_at END
        WHERE rollout_id = ? AND tenant_id = ?`,
    )
    .bind(
      outcome.status,
      outcome.reason?.code ?? null,
      outcome.reason?.message.slice(0, 1000) ?? null,
      at,
      outcome.from ?? null,
      outcome.status,
      at,
      outcome.status,
      at,
      rolloutId,
      tenantId,
    )
    .run();
}
