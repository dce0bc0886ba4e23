/** The plugin registry: the shared catalogue of plugin versions and each tenant's installations. */
export { RegistryError, type RegistryErrorCode } from "./errors.ts";
export {
  findInstallation,
  type Installation,
  listInstallations,
  type PluginState,
  parseInstallation,
  pluginState,
  pluginStates,
} from "./installations.ts";
export {
  getPluginVersion,
  knownVersion,
  listPluginVersions,
  type PluginVersion,
  pluginNotFound,
  type RegisteredPlugin,
  registerPlugin,
  toCatalogue,
  versionsOf,
} from "./plugins.ts";
