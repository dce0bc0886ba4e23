/** Node-side build tools for plugins: bundling for the platform's isolates. */
export { BundleError, bundlePlugin, handlerPaths, loadManifest, type PluginBundle } from "./bundle.ts";
