/**
 * The lifecycle manager: available -> installed -> active <-> inactive -> uninstalled,
 * per tenant, each transition atomic in D1 and announced through the outbox.
 */
export { activatePlugin } from "./activate.ts";
export type { TenantScope } from "./commit.ts";
export { type ConfigView, getConfig, updateConfig } from "./configure.ts";
export { deactivatePlugin, uninstallPlugin } from "./deactivate.ts";
export { LifecycleError, type LifecycleErrorCode } from "./errors.ts";
export { type InstalledEntry, type InstallOptions, installPlugin } from "./install.ts";
export {
  type InstalledPlugin,
  installedDependencies,
  installedDependents,
  readInstalled,
  readSnapshot,
  type TenantSnapshot,
  versionsIn,
} from "./snapshot.ts";
