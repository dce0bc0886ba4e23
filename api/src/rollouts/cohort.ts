/**
 * Which tenants a share takes: every tenant has a rank, a stable hash of the plugin and its tenant id,
 * and a share of N tenants takes the ceil(N × share / 100) lowest ranks. Widening adds the next ranks
 * and never drops one taken earlier (a taken tenant stays in the rollout's record), so a rollout
 * widened from 10 to 50 takes what one started at 50 would have, and the same tenants are not
 * every plugin's canaries (the hash includes the plugin). Counting ranks rather than hashing into 100
 * buckets gives a small fleet its share exactly: 50% of 4 tenants is 2, not "about half".
 */

/** SHA-256 of `<slug>:<tenant id>`, hex: where the tenant stands in the plugin's rollouts, lowest first. */
export async function rankOf(slug: string, tenantId: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${slug}:${tenantId}`));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export interface Ranked {
  tenantId: string;
  rank: string;
}

/** How many of `population` tenants a share of `share` percent is. */
export function shareOf(population: number, share: number): number {
  return Math.ceil((population * share) / 100);
}

/**
 * The tenants to take so that `share` percent of `population` is in the rollout: the lowest ranks not
 * taken yet, as many as the share lacks (none when `taken` already makes up the share).
 */
export function toTake<T extends Ranked>(population: readonly T[], taken: ReadonlySet<string>, share: number): T[] {
  const lacking = shareOf(population.length, share) - population.filter((p) => taken.has(p.tenantId)).length;
  if (lacking <= 0) return [];
  return population
    .filter((p) => !taken.has(p.tenantId))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.tenantId.localeCompare(b.tenantId)))
    .slice(0, lacking);
}
