/** Plugin-served HTTP: API endpoints and inbound webhooks, each run in the plugin's isolate. */
export { pluginApi } from "./routes.ts";
