/** The API Worker's entry: wires bindings to the HTTP application, and exports the plugin capability entrypoints. */
import { createApp } from "./app.ts";

export {
  CacheCapability,
  DbCapability,
  EgressGate,
  EventsCapability,
  LogCapability,
  PluginDatabase,
  StorageCapability,
} from "./sandbox/index.ts";

export default createApp();
