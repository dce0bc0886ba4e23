/**
 * A short-lived, per-isolate cache of the admin API's read views, per tenant.
 *
 * Why: locally every D1 query costs about 40% of a route's throughput (README,
 * Benchmarks), and list views are read far more often than plugins change.
 * Consistency: a write through this isolate drops the tenant's entries at once;
 * another isolate may answer from a view up to READ_TTL_MS old. A client that
 * needs its own writes back at once sends `Cache-Control: no-cache`.
 */
export const READ_TTL_MS = 2_000;
const MAX_ENTRIES = 5_000;

const entries = new Map<string, { value: unknown; expires: number }>();

export async function cachedRead<T>(
  tenantId: string,
  view: string,
  fresh: boolean,
  load: () => Promise<T>,
): Promise<T> {
  const key = `${tenantId}\u0000${view}`;
  const hit = entries.get(key);
  if (!fresh && hit && hit.expires > Date.now()) return hit.value as T;
  const value = await load();
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
  entries.set(key, { value, expires: Date.now() + READ_TTL_MS });
  return value;
}

export function forgetTenant(tenantId: string): void {
  const prefix = `${tenantId}\u0000`;
  for (const key of entries.keys()) if (key.startsWith(prefix)) entries.delete(key);
}

/** True when the request asks to bypass caches (`Cache-Control: no-cache` or `Pragma: no-cache`). */
export function wantsFresh(header: string | undefined, pragma: string | undefined): boolean {
  return /\bno-cache\b|\bno-store\b|\bmax-age=0\b/i.test(header ?? "") || /\bno-cache\b/i.test(pragma ?? "");
}
