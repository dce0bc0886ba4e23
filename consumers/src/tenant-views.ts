/**
 * The consumer isolate's views of its tenants' plugins and webhook endpoints (api/src/ledger/view.ts),
 * each with the call targets built from it (manifest, decrypted configuration) once per generation.
 * Every batched program the consumer runs checks the view's generation in its own transaction, so a
 * view here is never trusted past a change: the program answers with the current one instead.
 */

import type { TenantView } from "../../api/src/ledger/view.ts";
import { type Installation, parseInstallation } from "../../api/src/registry/index.ts";
import { installationTarget, type SandboxTarget } from "../../api/src/sandbox/index.ts";
import type { ConsumerEnv } from "./env.ts";

const MAX_TENANTS = 1_000;

export interface CachedView {
  tenantId: string;
  generation: number;
  installations: Map<string, Installation>;
  endpoints: TenantView["endpoints"];
  targets: Map<string, Promise<SandboxTarget | null>>;
}

const views = new Map<string, CachedView>();

/** The view this isolate holds of the tenant, or null. */
export function heldView(tenantId: string): CachedView | null {
  return views.get(tenantId) ?? null;
}

/** Takes the view a program answered with as the tenant's current one. */
export function adoptView(tenantId: string, view: TenantView): CachedView {
  const held = views.get(tenantId);
  if (held && held.generation === view.generation) return held;
  const installations = new Map(
    view.installations.map((row) => {
      const installation = parseInstallation(row);
      return [installation.slug, installation] as const;
    }),
  );
  const cached: CachedView = {
    tenantId,
    generation: view.generation,
    installations,
    endpoints: view.endpoints,
    targets: new Map(),
  };
  views.delete(tenantId);
  if (views.size >= MAX_TENANTS) views.delete(views.keys().next().value as string);
  views.set(tenantId, cached);
  return cached;
}

/** The installation of `slug` in the view as a call target (built once per generation), or null. */
export function targetIn(env: ConsumerEnv, view: CachedView, slug: string): Promise<SandboxTarget | null> {
  const built = view.targets.get(slug);
  if (built) return built;
  const installation = view.installations.get(slug);
  const target = installation ? installationTarget(env, view.tenantId, installation) : Promise.resolve(null);
  view.targets.set(slug, target);
  // a failed build (the catalogue unreachable) is tried again by the next delivery
  target.catch(() => view.targets.delete(slug));
  return target;
}
