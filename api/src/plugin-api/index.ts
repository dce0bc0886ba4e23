/** Plugin-served HTTP: API endpoints and inbound webhooks, each run in the plugin's isolate. */
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { pluginEndpoints } from "./routes.ts";
import { inboundWebhooks } from "./webhooks.ts";

export const pluginApi = new Hono<AppEnv>().route("/", pluginEndpoints).route("/", inboundWebhooks);
