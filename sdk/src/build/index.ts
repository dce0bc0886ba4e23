/** Node-side build tools for plugins: bundling for the platform's isolates, checking a plugin folder, editing its manifest.ts. */
export {
  BundleError,
  bundlePlugin,
  evaluateManifest,
  handlerPaths,
  loadManifest,
  type PluginBundle,
  uiModulePaths,
} from "./bundle.ts";
export { checkPlugin, type PluginCheck } from "./check.ts";
export {
  addHookCall,
  ManifestSourceError,
  type ManifestSourceErrorCode,
  setVersionCall,
} from "./manifest-source.ts";
export { formatProblem, type PluginProblem } from "./problems.ts";
