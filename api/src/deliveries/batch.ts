/**
 * The hook-events consumer's work on one tenant's ledger, one program call per step of a batch: the
 * deliveries of a batch's events written together, the batch's deliveries claimed together, their
 * outcomes recorded together. Each runs inside the ledger (programs.ts), so its reads and writes are
 * one transaction; the first two check the caller's view of the tenant's plugins (ledger/view.ts) in
 * that transaction and answer with the current view instead when it is stale.
 */
import type { TenantDb } from "../ledger/tenant-db.ts";
import { staleView, type TenantView } from "../ledger/view.ts";
import { markSentStatements } from "../outbox/index.ts";
import { type CallRecord, callInsert } from "../sandbox/accounting.ts";
import {
  type AttemptRecord,
  type Claim,
  claimDelivery,
  failureStatements,
  insertDeliveries,
  type NewDelivery,
  successStatements,
} from "./store.ts";

export interface FanOutArgs {
  tenantId: string;
  /** The generation of the view the deliveries were computed from; null when the caller has none. */
  known: number | null;
  deliveries: NewDelivery[];
  /** The events fanned out: marked sent (received, in fact) in the same transaction. */
  sent: string[];
}

export type FanOutAnswer = { stale: TenantView } | { stale: null; inserted: number };

/** Writes the deliveries of a batch's events, unless they were computed from a stale view. */
export async function writeFanOut(db: TenantDb, args: FanOutArgs): Promise<FanOutAnswer> {
  const stale = await staleView(db, args.tenantId, args.known);
  if (stale) return { stale };
  await db.batch([...insertDeliveries(db, args.deliveries), ...markSentStatements(db, args.sent)]);
  return { stale: null, inserted: args.deliveries.length };
}

export interface ClaimArgs {
  tenantId: string;
  known: number | null;
  ids: string[];
  /** Long enough for the whole wave the claims are for (consumers/src/deliveries-batch.ts). */
  leaseSeconds: number;
}

export interface ClaimAnswer {
  /** The current view when the caller's was stale (or it had none): what the claimed deliveries run against. */
  view: TenantView | null;
  claims: Record<string, Claim>;
}

/** Claims each delivery for one attempt, as claimDelivery does one; the view comes along when stale. */
export async function claimWave(db: TenantDb, args: ClaimArgs): Promise<ClaimAnswer> {
  const view = await staleView(db, args.tenantId, args.known);
  const claims: Record<string, Claim> = {};
  for (const id of args.ids) claims[id] = await claimDelivery(db, id, args.leaseSeconds);
  return { view, claims };
}

export interface Outcome {
  attempt: AttemptRecord;
  /** For a failed attempt: whether the delivery is dead (no attempt left, or the failure is permanent). */
  final: boolean;
}

export interface OutcomesArgs {
  outcomes: Outcome[];
  /** The plugin calls the wave made for this tenant: their accounting, in the same transaction. */
  calls: CallRecord[];
}

/** Records a wave's attempts, the deliveries' new states and the calls' accounting, in one transaction. */
export async function recordOutcomes(db: TenantDb, { outcomes, calls }: OutcomesArgs): Promise<void> {
  const statements = [
    ...outcomes.flatMap(({ attempt, final }) =>
      attempt.outcome === "succeeded" ? successStatements(db, attempt) : failureStatements(db, attempt, final),
    ),
    ...calls.map((call) => callInsert(db, call)),
  ];
  if (statements.length > 0) await db.batch(statements);
}
