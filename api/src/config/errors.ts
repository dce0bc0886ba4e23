/** Errors of plugin configuration. */
import { PlatformError } from "../errors/index.ts";

export type ConfigErrorCode = "INVALID_CONFIGURATION" | "INTERNAL";
export class ConfigError extends PlatformError<ConfigErrorCode> {}
