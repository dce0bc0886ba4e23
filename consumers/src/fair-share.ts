/**
 * Per-tenant (and per-plugin) isolation inside the consumer. Queues deliver in roughly FIFO order, so
 * one tenant's burst, or one plugin's, would otherwise sit in front of every other delivery. Two lanes
 * and two rules keep it from doing so; the hook-events consumer plans by (tenant, plugin):
 *
 * 1. Share: in a batch of the main lane (`hook-events`), a tenant's plugin starts at most `share`
 *    deliveries. The rest move, unrun and without spending an attempt, to the bulk lane
 *    (`hook-events-bulk`), which has batches of its own. A burst therefore costs the main lane
 *    one re-send per message, not one handler run per message, and runs at full speed in the
 *    bulk lane, where only the plugins that burst wait behind each other.
 * 2. Round-robin: the deliveries a batch runs start in round-robin order over those keys, at most
 *    `concurrency` at a time (Dynamic Workers allow 4 distinct isolates in flight per invocation).
 *
 * The bound this gives (README, "Tenant isolation"): a delivery of a plugin that is not bursting
 * starts within one main-lane batch of reaching the head of the lane, behind at most `share`
 * deliveries of each other (tenant, plugin), started round-robin.
 */

export const DEFAULT_SHARE = 8;
export const MAX_CONCURRENCY = 4;

export interface Plan<T> {
  /** In start order: tenants interleaved. */
  run: T[];
  /** Past their tenant's share: for the bulk lane. */
  overflow: T[];
}

export function planBatch<T>(items: readonly T[], tenantOf: (item: T) => string, share = DEFAULT_SHARE): Plan<T> {
  const lanes = new Map<string, T[]>();
  const overflow: T[] = [];
  for (const item of items) {
    const tenant = tenantOf(item);
    const lane = lanes.get(tenant) ?? [];
    if (lane.length < share) {
      lane.push(item);
      lanes.set(tenant, lane);
    } else {
      overflow.push(item);
    }
  }
  const run: T[] = [];
  const longest = Math.max(0, ...[...lanes.values()].map((lane) => lane.length));
  for (let round = 0; round < longest; round++) {
    for (const lane of lanes.values()) {
      const item = lane[round];
      if (item !== undefined) run.push(item);
    }
  }
  return { run, overflow };
}

/** Runs `work` over `items` in their order, at most `concurrency` at a time. */
export async function runInOrder<T>(
  items: readonly T[],
  work: (item: T) => Promise<void>,
  concurrency = MAX_CONCURRENCY,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}
