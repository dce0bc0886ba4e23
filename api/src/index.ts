/** The API Worker's entry: wires bindings to the HTTP application, and exports the plugin capability entrypoints. */
import { createApp } from "./app.ts";

// listed one by one: `export *` does not make an entrypoint the runtime's ctx.exports sees (tried);
// bench/sandbox/worker.ts lists the same classes for the same reason
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
