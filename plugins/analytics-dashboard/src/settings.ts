/** The store's time zone, from the `time_zone` setting (the platform validates it when saved; this guards old values). */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { isTimeZone } from "./timezones.ts";

export function zoneOf(context: PluginContext): string {
  const zone = context.plugin.config.time_zone ?? "UTC";
  if (!isTimeZone(zone))
    throw new Error(`INVALID_CONFIGURATION: config.time_zone: ${String(zone)} is not an IANA time zone`);
  return zone;
}
