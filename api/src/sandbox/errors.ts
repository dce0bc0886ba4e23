/** Errors of the sandbox: a plugin call that failed, timed out, hit a limit, or could not start. */
import { PlatformError } from "../errors/index.ts";

export type SandboxErrorCode =
  | "PLUGIN_FAILED"
  /** The plugin said no retry can fix it (the SDK's failPermanently): a queued delivery dead-letters at once. */
  | "PLUGIN_FAILED_PERMANENTLY"
  | "PLUGIN_TIMEOUT"
  | "PLUGIN_LIMIT_EXCEEDED"
  /** The call went over one of the tenant's quotas for the plugin; the message names the quota. */
  | "QUOTA_EXCEEDED"
  | "PLUGIN_NOT_ACTIVE"
  | "BUNDLE_MISSING"
  | "BUNDLE_INVALID";
export class SandboxError extends PlatformError<SandboxErrorCode> {}

/**
 * What a capability refuses, as the plugin sees it. Thrown inside the platform's
 * capability entrypoints; RPC carries the message into the plugin's isolate.
 */
export type CapabilityErrorCode =
  | "INVALID_KEY"
  | "INVALID_ARGUMENT"
  | "TOO_LARGE"
  | "NOT_FOUND"
  | "EGRESS_DENIED"
  | "NOT_A_DEPENDENCY"
  | "DEPENDENCY_NOT_ACTIVE"
  | "UNKNOWN_SERVICE"
  /** Over a quota (quotas.ts): the message starts with the quota's name and its bound. */
  | "QUOTA_EXCEEDED"
  /** A per-call capability stub used after its call ended (a plugin kept it in a global). */
  | "CALL_ENDED";
export class CapabilityError extends Error {
  constructor(code: CapabilityErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = "CapabilityError";
  }
}
