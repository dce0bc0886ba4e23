/** What runs inside a plugin isolate: the entrypoint wrapper and the platform/plugin contract. */

export type { MethodOutcome } from "../types.ts";
export { buildContext, type CallContext } from "./context.ts";
export type {
  CacheBinding,
  CapabilityEnv,
  DbBinding,
  DbStatement,
  EventsBinding,
  Invocation,
  LifecycleName,
  LogBinding,
  LogLevel,
  PluginWorkerApi,
  StorageBinding,
} from "./protocol.ts";
export { lifecycleNames } from "./protocol.ts";
export { definePluginWorker, type PluginWorkerDefinition } from "./worker.ts";
