/**
 * Which of a tenant's active plugins handle a hook, in the order they run: priority
 * ascending, then plugin slug, then handler path (so equal priorities always run in
 * the same, stated order).
 *
 * The tenant's active targets are cached per isolate for SUBSCRIBERS_TTL_MS, and past it for as long
 * as the tenant's ledger answers keep carrying the generation they were read at: a before-hook chain
 * on every commerce request would otherwise pay one ledger call and one decryption per plugin. A
 * lifecycle change through this isolate drops the entry at once; another isolate runs the previous
 * set until its next answer from that ledger, or for up to the TTL when it has none.
 */
import type { HookName, HookRegistration } from "@digital-commerce/plugin-sdk";
import type { ApiEnv } from "../env.ts";
import { heardGeneration } from "../ledger/generations.ts";
import { activeTargets, type SandboxTarget } from "../sandbox/index.ts";

type TargetEnv = Pick<ApiEnv, "DB" | "LEDGER" | "CONFIG_ENCRYPTION_KEY">;

export const SUBSCRIBERS_TTL_MS = 2_000;
const MAX_TENANTS = 1_000;

export interface Subscription {
  target: SandboxTarget;
  registration: HookRegistration;
}

const cache = new Map<string, { targets: Promise<SandboxTarget[]>; expires: number; generation: number | null }>();

/**
 * An entry past its TTL is still current while the tenant's ledger answers keep carrying the generation
 * it was read at (ledger/generations.ts): a busy tenant's requests confirm it with every write, so the
 * chain rereads the installations only after they changed, not every SUBSCRIBERS_TTL_MS.
 */
function current(tenantId: string, entry: { expires: number; generation: number | null }): boolean {
  if (entry.expires > Date.now()) return true;
  const heard = heardGeneration(tenantId);
  return heard !== null && heard.generation === entry.generation && Date.now() - heard.at < SUBSCRIBERS_TTL_MS;
}

export interface ReadOptions {
  /**
   * Read the ledger now rather than the cache: a lifecycle change made through the API Worker cannot drop
   * the consumer's cache, and an event must reach a plugin activated a moment before it was
   * handled (a cached miss would be a lost delivery).
   */
  fresh?: boolean;
}

/** The tenant's active plugins as call targets, from the per-isolate cache unless `fresh`. */
export function activeTargetsOf(
  env: TargetEnv,
  tenantId: string,
  { fresh = false }: ReadOptions = {},
): Promise<SandboxTarget[]> {
  const hit = cache.get(tenantId);
  if (!fresh && hit && current(tenantId, hit)) return hit.targets;
  const targets = activeTargets(env, tenantId);
  const entry = { targets, expires: Date.now() + SUBSCRIBERS_TTL_MS, generation: null as number | null };
  cache.delete(tenantId);
  if (cache.size >= MAX_TENANTS) cache.delete(cache.keys().next().value as string);
  cache.set(tenantId, entry);
  // the generation the read answered at: what later answers must still say for the entry to stay current
  targets.then(
    () => {
      entry.generation = heardGeneration(tenantId)?.generation ?? null;
    },
    // a failed read is not cached
    () => cache.delete(tenantId),
  );
  return targets;
}

export function byRunOrder(a: Subscription, b: Subscription): number {
  return (
    a.registration.priority - b.registration.priority ||
    a.target.slug.localeCompare(b.target.slug) ||
    a.registration.handler.localeCompare(b.registration.handler)
  );
}

/** The tenant's active handlers of `hook`, in run order. */
export async function subscribersOf(
  env: TargetEnv,
  tenantId: string,
  hook: HookName | string,
): Promise<Subscription[]> {
  const targets = await activeTargetsOf(env, tenantId);
  return targets
    .flatMap((target) =>
      target.manifest.hooks.filter((h) => h.name === hook).map((registration) => ({ target, registration })),
    )
    .sort(byRunOrder);
}

/** Drops the tenant's cached subscribers: call after any change to its plugins. */
export function forgetSubscribers(tenantId: string): void {
  cache.delete(tenantId);
}
