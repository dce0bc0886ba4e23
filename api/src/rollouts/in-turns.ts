/**
 * Work over many tenants, a few at a time: each tenant's ledger is its own object, so calls to
 * different tenants can run in parallel, but a rollout over a thousand tenants must not start a
 * thousand upgrades (each with its plugin isolate) in one request at once.
 */
export const TURNS = 4;

/** `work` on every item, at most `turns` at a time; the results in the items' order. */
export async function inTurns<T, R>(items: readonly T[], work: (item: T) => Promise<R>, turns = TURNS): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(turns, items.length) }, worker));
  return results;
}
