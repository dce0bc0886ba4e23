/** Errors of plugin-served HTTP: an inbound webhook the plugin's verify step refused. */
import { PlatformError } from "../errors/index.ts";

export type PluginApiErrorCode = "WEBHOOK_REFUSED";
export class PluginApiError extends PlatformError<PluginApiErrorCode> {}
