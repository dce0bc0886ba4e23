/** Errors of the plugin registry. */
import { PlatformError } from "../errors/index.ts";

export type RegistryErrorCode = "PLUGIN_NOT_FOUND" | "VERSION_NOT_FOUND" | "INVALID_MANIFEST" | "VERSION_EXISTS";
export class RegistryError extends PlatformError<RegistryErrorCode> {}
