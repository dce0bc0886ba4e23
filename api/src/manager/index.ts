/**
 * The plugin manager the spec's examples call: registration and listing of the
 * catalogue, in one object for tests and tools. HTTP goes through the admin API.
 */
import type { PluginManifestInput } from "@digital-commerce/plugin-sdk";
import { listPluginVersions, type PluginVersion, type RegisteredPlugin, registerPlugin } from "../registry/index.ts";

export interface PluginManager {
  /** Validates and adds a manifest to the catalogue (idempotent for an identical manifest). */
  registerPlugin(manifest: PluginManifestInput, bundleHash?: string): Promise<RegisteredPlugin>;
  /** Every registered plugin version, newest first within a slug. */
  listPlugins(): Promise<PluginVersion["manifest"][]>;
}

export function createPluginManager(db: D1Database): PluginManager {
  return {
    registerPlugin: (manifest, bundleHash) => registerPlugin(db, manifest, bundleHash),
    listPlugins: async () => (await listPluginVersions(db)).map((v) => v.manifest),
  };
}
