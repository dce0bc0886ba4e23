/** Errors of plugin lifecycle transitions. */
import { PlatformError } from "../errors/index.ts";

export type LifecycleErrorCode =
  | "ILLEGAL_TRANSITION"
  | "DEPENDENCY_MISSING"
  | "DEPENDENCY_CONFLICT"
  | "DEPENDENCY_CYCLE"
  | "DEPENDENCIES_NOT_INSTALLED"
  | "DEPENDENCY_INACTIVE"
  | "DEPENDENTS_ACTIVE"
  | "DEPENDENTS_INSTALLED"
  | "CONCURRENT_MODIFICATION"
  | "LIFECYCLE_CALLBACK_FAILED"
  | "PERMISSIONS_NOT_APPROVED"
  | "MIGRATION_FAILED"
  | "ROLLBACK_REFUSED";
export class LifecycleError extends PlatformError<LifecycleErrorCode> {}

/** The one way a transition on a plugin the tenant does not have is refused. */
export function notInstalled(slug: string): LifecycleError {
  return new LifecycleError("ILLEGAL_TRANSITION", `${slug} is not installed for this tenant; install it first.`, {
    slug,
    state: "available",
  });
}
