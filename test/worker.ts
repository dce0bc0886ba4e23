/**
 * The Worker the tests run: the API Worker and the consumer Worker in one module, so a test drives a
 * request through the API, the queues and the consumers in one workerd, as `npm run dev` runs them.
 */
import api from "../api/src/index.ts";
import consumers from "../consumers/src/index.ts";

export {
  CacheCapability,
  DbCapability,
  EgressGate,
  EventsCapability,
  LogCapability,
  PluginDatabase,
  PluginsCapability,
  SessionsCapability,
  StorageCapability,
  TenantLedger,
} from "../api/src/index.ts";

export default {
  fetch: api.fetch,
  queue: consumers.queue,
} satisfies ExportedHandler<Cloudflare.Env>;
