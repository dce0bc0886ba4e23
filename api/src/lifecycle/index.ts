/**
 * The lifecycle manager: available -> installed -> active <-> inactive -> uninstalled,
 * per tenant, each transition atomic in D1 and announced through the outbox. Each
 * transition is a plan (`planInstall`, ...: reads and checks, changes nothing) and its commit.
 */
export { activatePlugin, planActivate } from "./activate.ts";
export type { TenantScope, TransitionPlan } from "./commit.ts";
export { type ConfigView, getConfig, updateConfig } from "./configure.ts";
export { deactivatePlugin, planDeactivate, planUninstall, uninstallPlugin } from "./deactivate.ts";
export { LifecycleError, type LifecycleErrorCode } from "./errors.ts";
export { type InstalledEntry, type InstallOptions, installPlugin, planInstall } from "./install.ts";
export { planRollback, rollbackPlugin } from "./rollback.ts";
export {
  type InstalledPlugin,
  installedDependencies,
  installedDependents,
  readInstalled,
  readSnapshot,
  type TenantSnapshot,
  versionsIn,
} from "./snapshot.ts";
export { planUpgrade, type UpgradeOptions, type UpgradePlan, upgradePlugin } from "./upgrade.ts";
export type { PermissionChanges, VersionStep } from "./versions.ts";
