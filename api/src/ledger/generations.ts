/**
 * The ledger generation (ledger/view.ts) each tenant's answers last carried to this isolate: every
 * answer of a ledger says its generation, so a cache of the tenant's plugins that was read at that
 * generation is known to be current for as long as answers keep saying so, without a call of its own
 * (hooks/subscribers.ts). A change made anywhere shows here at the next answer from that tenant.
 */
const heard = new Map<string, { generation: number; at: number }>();
const MAX_TENANTS = 10_000;

/** Notes the generation an answer of the tenant's ledger carried. */
export function hearGeneration(tenantId: string, generation: number | undefined): void {
  if (generation === undefined) return;
  heard.delete(tenantId);
  if (heard.size >= MAX_TENANTS) heard.delete(heard.keys().next().value as string);
  heard.set(tenantId, { generation, at: Date.now() });
}

/** The tenant's generation as last heard, and when; null when this isolate has heard none. */
export function heardGeneration(tenantId: string): { generation: number; at: number } | null {
  return heard.get(tenantId) ?? null;
}
