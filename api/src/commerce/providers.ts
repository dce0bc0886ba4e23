/**
 * Which plugin serves a category's operations for a store: its one active plugin of that
 * category (a payment gateway, an identity provider), or the one the request names when several
 * are active. The platform never picks among several by itself: charging through the wrong
 * gateway is worse than asking.
 */
import type { PluginCategory } from "@digital-commerce/plugin-sdk";
import type { HookRun } from "../hooks/index.ts";
import { activeTargets, type SandboxTarget } from "../sandbox/index.ts";
import { CommerceError } from "./errors.ts";

const what: Partial<Record<PluginCategory, string>> = {
  payment: "payment plugin (a gateway such as stripe-gateway)",
  auth: "auth plugin (an identity provider)",
};

export async function activeProvider(
  run: HookRun,
  category: PluginCategory,
  requested: string | undefined,
): Promise<SandboxTarget> {
  const active = (await activeTargets(run.deps.env, run.tenantId)).filter((t) => t.manifest.category === category);
  const slugs = active.map((t) => t.slug).sort();
  if (requested !== undefined) {
    const named = active.find((t) => t.slug === requested);
    if (named) return named;
    throw new CommerceError(
      "PROVIDER_UNAVAILABLE",
      `${requested} is not an active ${category} plugin of this store; ${
        slugs.length > 0 ? `active: ${slugs.join(", ")}` : `no ${category} plugin is active`
      }.`,
      { category, provider: requested, active: slugs },
    );
  }
  const [only, ...others] = active;
  if (!only) {
    throw new CommerceError(
      "PROVIDER_UNAVAILABLE",
      `This store has no active ${what[category] ?? `${category} plugin`}; install one and activate it with POST /api/admin/plugins/{slug}/install and /activate.`,
      { category, active: [] },
    );
  }
  if (others.length > 0) {
    throw new CommerceError(
      "PROVIDER_AMBIGUOUS",
      `Several ${category} plugins are active (${slugs.join(", ")}); name the one to use in "provider".`,
      { category, active: slugs },
    );
  }
  return only;
}
