/**
 * A consumer batch's deliveries run in waves of at most WAVE: per wave and tenant, ONE ledger call
 * claims them all (with the tenant's view of its plugins when the consumer's is stale) and ONE records
 * all their attempts and new states; between the two, the claimed deliveries run in the plan's order,
 * at most MAX_CONCURRENCY isolates at a time. Messages are acked, retried or dead-lettered only after
 * their outcomes are recorded, so an ack never gets ahead of the ledger.
 */

import {
  type Claim,
  type ClaimAnswer,
  type DeliveryMessage,
  LEASE_SECONDS,
  type Outcome,
} from "../../api/src/deliveries/index.ts";
import { runLedger } from "../../api/src/ledger/index.ts";
import type { CallRecord, SandboxDeps } from "../../api/src/sandbox/index.ts";
import type { ConsumerEnv } from "./env.ts";
import { MAX_CONCURRENCY, runInOrder } from "./fair-share.ts";
import { afterLease, attemptDelivery, type Verdict } from "./run-delivery.ts";
import { adoptView, type CachedView, heldView, targetIn } from "./tenant-views.ts";
import { withTransientRetries } from "./transient.ts";

type Deps = SandboxDeps & { env: ConsumerEnv };
export type Item = [Message<unknown>, DeliveryMessage];

/** Deliveries per wave: each tenant's claims of a wave are one call, its outcomes one more. */
export const WAVE = 32;

/** A claim lasts for the whole wave it is part of: every delivery may run a full lease's time, 4 at a time. */
const leaseFor = (deliveries: number) => LEASE_SECONDS * Math.ceil(deliveries / MAX_CONCURRENCY);

/** What the platform does when it could not reach the ledger past the transient retries: the queue tries again. */
const platformRetry = (message: Message<unknown>) =>
  message.retry({ delaySeconds: Math.min(300, 5 * message.attempts) });

function byTenant(items: readonly Item[]): Map<string, Item[]> {
  const groups = new Map<string, Item[]>();
  for (const item of items) groups.set(item[1].tenant_id, [...(groups.get(item[1].tenant_id) ?? []), item]);
  return groups;
}

interface Claimed {
  item: Item;
  view: CachedView;
  claim: Claim;
}

async function claimTenant(deps: Deps, tenantId: string, items: Item[]): Promise<Claimed[]> {
  const held = heldView(tenantId);
  try {
    const answer: ClaimAnswer = await withTransientRetries(() =>
      runLedger(deps.env, tenantId, "claimWave", {
        tenantId,
        known: held?.generation ?? null,
        ids: items.map(([, body]) => body.delivery_id),
        leaseSeconds: leaseFor(items.length),
      }),
    );
    const view = answer.view ? adoptView(tenantId, answer.view) : (held as CachedView);
    return items.map((item) => ({ item, view, claim: answer.claims[item[1].delivery_id] as Claim }));
  } catch (error) {
    deps.log.error({ err: error, tenant: tenantId }, "deliveries could not be claimed; retrying them");
    for (const [message] of items) platformRetry(message);
    return [];
  }
}

/** The verdict on a copy that found its delivery not claimable: another copy has it, or it is done. */
function unclaimedVerdict(deps: Deps, body: DeliveryMessage, claim: Claim & { claimed: false }): Verdict {
  if (claim.status === "running") return { action: "retry", delaySeconds: afterLease(claim.leaseUntil) };
  // succeeded or dead: this copy is a duplicate, and its work is done or recorded
  if (claim.status === "missing") deps.log.warn({ delivery: body.delivery_id }, "delivery row is missing; dropped");
  return { action: "ack" };
}

type Settle = (message: Message<unknown>, body: DeliveryMessage, verdict: Verdict) => Promise<void>;

async function runWave(deps: Deps, items: readonly Item[], settle: Settle): Promise<void> {
  // a second copy of a delivery in the same wave has nothing to do: the first copy's claim runs it, and
  // that copy's message stays until its outcome is recorded
  const seen = new Set<string>();
  const wave = items.filter(([, body]) => !seen.has(body.delivery_id) && seen.add(body.delivery_id));
  const copies = items.filter((item) => !wave.includes(item));
  const groups = byTenant(wave);
  const claimed = (
    await Promise.all([...groups].map(([tenantId, items]) => claimTenant(deps, tenantId, items)))
  ).flat();
  // back in the plan's (round-robin) order
  const order = new Map(wave.map((item, i) => [item, i]));
  claimed.sort((a, b) => (order.get(a.item) as number) - (order.get(b.item) as number));

  const done = new Map<string, { item: Item; outcome: Outcome; verdict: Verdict }[]>();
  const unclaimed: Promise<void>[] = [];
  // the wave's plugin calls: their accounting goes with the outcomes, not a write of its own
  const calls: CallRecord[] = [];
  const waveDeps: Deps = { ...deps, calls };
  await runInOrder(claimed, async ({ item, view, claim }) => {
    const [message, body] = item;
    if (!claim.claimed) {
      unclaimed.push(settle(message, body, unclaimedVerdict(deps, body, claim)));
      return;
    }
    const attempted = await attemptDelivery(waveDeps, () => targetIn(deps.env, view, body.plugin_slug), body, claim);
    const list = done.get(body.tenant_id) ?? [];
    list.push({ item, ...attempted });
    done.set(body.tenant_id, list);
  });
  await Promise.all([
    ...unclaimed,
    ...copies.map(([message, body]) => settle(message, body, { action: "ack" })),
    ...[...done].map(async ([tenantId, results]) => {
      try {
        await withTransientRetries(() =>
          runLedger(deps.env, tenantId, "recordOutcomes", {
            outcomes: results.map((r) => r.outcome),
            calls: calls.filter((c) => c.tenantId === tenantId),
          }),
        );
      } catch (error) {
        // the attempts ran but are not recorded: the deliveries stay claimed until their lease ends, then run again
        deps.log.error({ err: error, tenant: tenantId }, "delivery outcomes could not be recorded; retrying them");
        for (const { item } of results) platformRetry(item[0]);
        return;
      }
      await Promise.all(results.map(({ item: [message, body], verdict }) => settle(message, body, verdict)));
    }),
  ]);
}

/** Runs `items` (in the fair-share plan's order) wave by wave; `settle` acks, retries or dead-letters each. */
export async function runDeliveries(deps: Deps, items: readonly Item[], settle: Settle): Promise<void> {
  for (let i = 0; i < items.length; i += WAVE) await runWave(deps, items.slice(i, i + WAVE), settle);
}
