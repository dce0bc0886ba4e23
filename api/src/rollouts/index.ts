/**
 * @module Canary rollouts and the index of which tenant runs which version: a version of a plugin
 * goes to a share of the tenants that have it (or named ones) first, each upgraded in its own scope;
 * its health compares the canary's error rate with the rest's; it is widened, finished or stopped
 * (stopping rolls its tenants back). The D1 index `tenant_plugins` is kept by every transition's
 * afterCommit and repaired by `reindexPlugin`.
 */

export { type CatalogueVersion, LISTED_TENANTS, type VersionsCatalogue, versionsCatalogue } from "./catalogue.ts";
export { rankOf, shareOf, toTake } from "./cohort.ts";
export { RolloutError, type RolloutErrorCode } from "./errors.ts";
export { type CohortHealth, HEALTH_SAMPLE, MIN_CANARY_CALLS, type RolloutHealth, WORSE_MARGIN } from "./health.ts";
export {
  type RolloutRequest,
  type RolloutView,
  rolloutById,
  rolloutView,
  startRollout,
  stopRollout,
  widenRollout,
} from "./rollout.ts";
export { listRollouts, type Rollout, type RolloutTenant, rolloutStates, tenantStatuses } from "./store.ts";
export { type FleetDeps, tenantScope } from "./tenant-move.ts";
export {
  indexAfterCommit,
  indexInstallations,
  type ReindexResult,
  reindexPlugin,
  tenantsWith,
} from "./tenant-plugins.ts";
