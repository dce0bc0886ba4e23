/** The capabilities a plugin isolate can be granted: each a loopback entrypoint scoped by its props. */
export { CacheCapability } from "./cache.ts";
export { DbCapability, PluginDatabase, pluginDatabase } from "./database.ts";
export { EgressGate } from "./egress.ts";
export { EventsCapability } from "./events.ts";
export { LogCapability, redactForPlugin } from "./log.ts";
export { PluginsCapability } from "./plugins.ts";
export {
  type CallCapabilityProps,
  type CapabilityProps,
  type EgressProps,
  type MeteredCall,
  namespaceOf,
} from "./props.ts";
export { recordSecurityEvent, type SecurityEventKind } from "./security-events.ts";
export { StorageCapability, storagePrefix } from "./storage.ts";
export { forgetStoredBytes } from "./stored-bytes.ts";
