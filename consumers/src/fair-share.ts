/**
 * Per-tenant isolation inside the consumer. Queues deliver in roughly FIFO order, so one
 * tenant's burst would otherwise sit in front of every other tenant's events. Two rules
 * keep it from doing so:
 *
 * 1. Share: a tenant starts at most `share` deliveries per batch. Its k-th delivery past
 *    the share is put back on the queue, delayed ⌈k / share⌉ seconds (capped at a minute),
 *    without running anything and without spending an attempt, so a burst of N messages
 *    costs the batches in front of another tenant's message only a re-send each.
 * 2. Round-robin: the deliveries a batch does run start in tenant round-robin order, at most
 *    `concurrency` at a time (Dynamic Workers allow 4 distinct isolates in flight per invocation).
 *
 * The bound this gives (README, "Tenant isolation"): a delivery of a tenant that is not
 * flooding starts within one batch of reaching the head of the queue, behind at most
 * `concurrency - 1` deliveries of each other tenant per round; and the queue in front of it
 * drains at 100 messages per batch whatever the flooding tenant's handlers cost.
 */

export const DEFAULT_SHARE = 8;
export const MAX_CONCURRENCY = 4;
const MAX_DEFER_SECONDS = 60;

export interface Plan<T> {
  /** In start order: tenants interleaved. */
  run: T[];
  defer: { item: T; delaySeconds: number }[];
}

export function planBatch<T>(items: readonly T[], tenantOf: (item: T) => string, share = DEFAULT_SHARE): Plan<T> {
  const queues = new Map<string, T[]>();
  const defer: Plan<T>["defer"] = [];
  for (const item of items) {
    const tenant = tenantOf(item);
    const queue = queues.get(tenant) ?? [];
    if (queue.length < share) {
      queue.push(item);
      queues.set(tenant, queue);
    } else {
      const excess = defer.filter((d) => tenantOf(d.item) === tenant).length + 1;
      defer.push({ item, delaySeconds: Math.min(MAX_DEFER_SECONDS, Math.ceil(excess / share)) });
    }
  }
  const run: T[] = [];
  const lanes = [...queues.values()];
  for (let round = 0; run.length < items.length - defer.length; round++) {
    for (const lane of lanes) {
      const item = lane[round];
      if (item !== undefined) run.push(item);
    }
  }
  return { run, defer };
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
