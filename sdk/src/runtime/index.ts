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
  PluginsBinding,
  PluginWorkerApi,
  ServiceCallOptions,
  ServiceOutcome,
  SessionCallOptions,
  SessionsBinding,
  StorageBinding,
  UpgradeDetail,
} from "./protocol.ts";
export { lifecycleNames } from "./protocol.ts";
export {
  NOT_SERVICE_NAMES,
  plainDataProblem,
  SERVICE_NAME,
  type ServiceRefusalCode,
  serviceClients,
  serviceRefusal,
} from "./services.ts";
export { definePluginWorker, type PluginWorkerDefinition } from "./worker.ts";
