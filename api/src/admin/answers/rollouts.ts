/** The versions catalogue's and canary rollouts' answers (api/src/rollouts): what the admin API's rollout routes return. */
import { z } from "zod";

export const catalogueVersion = z
  .object({
    version: z.string(),
    changelog: z.string().nullable().meta({ description: "What the version's manifest says changed." }),
    registered_at: z.string(),
    tenants: z
      .object({
        count: z.number().int(),
        slugs: z.array(z.string()).meta({ description: "At most 100, by slug; count is every one." }),
      })
      .optional()
      .meta({
        description:
          "The tenants that run this version (the D1 index, which may lag a transition by a failed write). Only for a token with the plugins:publish scope: no other token is shown another tenant.",
      }),
  })
  .meta({ id: "CatalogueVersion" });
export type CatalogueVersion = z.infer<typeof catalogueVersion>;

export const versionsCatalogueView = z
  .object({
    slug: z.string(),
    installed_version: z
      .string()
      .nullable()
      .meta({ description: "The version this tenant runs (its own ledger); null when it does not have the plugin." }),
    versions: z.array(catalogueVersion).meta({ description: "Every registered version, newest first." }),
  })
  .meta({ id: "VersionsCatalogue" });
export type VersionsCatalogueView = z.infer<typeof versionsCatalogueView>;

export const reindexResult = z
  .object({
    slug: z.string(),
    tenants: z.number().int().meta({ description: "Tenants whose ledger was read." }),
    indexed: z.number().int().meta({ description: "Tenants that have the plugin: their rows re-written." }),
    removed: z.number().int().meta({ description: "Rows dropped: the tenant no longer has the plugin." }),
  })
  .meta({ id: "ReindexResult" });
export type ReindexResult = z.infer<typeof reindexResult>;

export const rolloutState = z.enum(["open", "finished", "stopped"]);
export const rolloutTenantStatus = z.enum(["pending", "upgraded", "blocked", "failed", "skipped", "rolled_back"]).meta({
  description:
    "pending: being upgraded (or interrupted); upgraded: on the rollout's version through it; blocked: refused before anything ran (new permissions its operator must approve, a configuration that cannot move, a dependent's range); failed: the upgrade ran and failed, the tenant kept its version; skipped: no longer below the version when reached; rolled_back: stopping took it back.",
});

export const rolloutTenantView = z
  .object({
    tenant_id: z.string(),
    tenant_slug: z.string(),
    picked: z.enum(["share", "named"]),
    status: rolloutTenantStatus,
    from_version: z.string(),
    reason: z
      .object({ code: z.string(), message: z.string() })
      .nullable()
      .meta({ description: "Why it is blocked, failed or skipped, or why stopping left it upgraded." }),
    upgraded_at: z.string().nullable(),
    rolled_back_at: z.string().nullable(),
    updated_at: z.string(),
  })
  .meta({ id: "RolloutTenant" });
export type RolloutTenantView = z.infer<typeof rolloutTenantView>;

export const cohortHealth = z
  .object({
    tenants: z.number().int(),
    sampled: z.number().int().meta({ description: "Ledgers read: at most 100, lowest ranks first." }),
    calls: z.number().int(),
    errors: z.number().int(),
    timeouts: z.number().int(),
    limits_exceeded: z.number().int(),
    error_rate: z
      .number()
      .nullable()
      .meta({ description: "(errors + timeouts + limits) / calls; null without calls." }),
  })
  .meta({ id: "CohortHealth" });

export const rolloutHealthView = z
  .object({
    since: z
      .string()
      .meta({ description: "The rollout's start: the rest's calls count from here, a canary's from its upgrade." }),
    canary: cohortHealth.meta({ description: "Tenants the rollout upgraded that are on its version." }),
    rest: cohortHealth.meta({ description: "Tenants with the plugin on another version." }),
    comparison: z.enum(["worse", "no_worse", "insufficient_data"]),
    min_canary_calls: z.number().int(),
    margin: z.number().meta({ description: "worse: the canary's error rate above the rest's by more than this." }),
  })
  .meta({ id: "RolloutHealth" });

const rolloutFields = {
  id: z.string(),
  slug: z.string(),
  version: z.string(),
  share: z.number().int().meta({ description: "Percent of the eligible tenants taken; 100 finishes the rollout." }),
  state: rolloutState,
  started_by: z.string().meta({ description: "The tenant whose token started it." }),
  created_at: z.string(),
  updated_at: z.string(),
  finished_at: z.string().nullable(),
  stopped_at: z.string().nullable(),
};

export const rolloutSummary = z.object(rolloutFields).meta({ id: "RolloutSummary" });
export const rolloutList = z.object({ rollouts: z.array(rolloutSummary) }).meta({ id: "RolloutList" });
export type RolloutList = z.infer<typeof rolloutList>;

export const rolloutView = z
  .object({
    ...rolloutFields,
    eligible: z.number().int().meta({
      description: "What the share is of: tenants with the plugin below the version, and those the rollout took.",
    }),
    counts: z.record(rolloutTenantStatus, z.number().int()),
    tenants: z.array(rolloutTenantView).meta({ description: "Every tenant the rollout took, by rank." }),
    health: rolloutHealthView,
  })
  .meta({ id: "Rollout" });
export type RolloutView = z.infer<typeof rolloutView>;
