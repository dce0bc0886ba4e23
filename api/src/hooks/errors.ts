/** Errors of the hook pipeline: a before hook vetoed the operation, or failed or timed out under an "abort" policy. */
import { PlatformError } from "../errors/index.ts";

export type HookErrorCode = "HOOK_VETOED" | "HOOK_FAILED" | "HOOK_TIMEOUT" | "UNKNOWN_HOOK";
export class HookError extends PlatformError<HookErrorCode> {}
