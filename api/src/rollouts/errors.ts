/** Errors of canary rollouts. */
import { PlatformError } from "../errors/index.ts";

export type RolloutErrorCode =
  | "ROLLOUT_NOT_FOUND"
  | "ROLLOUT_IN_PROGRESS"
  | "ROLLOUT_NOT_OPEN"
  | "ROLLOUT_TENANT_INELIGIBLE"
  | "TENANT_NOT_FOUND";
export class RolloutError extends PlatformError<RolloutErrorCode> {}
