/**
 * Expected failures are values with a code. Each area raises its own error class
 * (a code union per area, as Miniflare does per plugin); the HTTP edge maps codes
 * to statuses once, in `statusOf`.
 */
import { z } from "zod";

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: "PLUGIN_NOT_FOUND" }),
      message: z.string().meta({ example: 'No plugin "stripe-gatway" is available; did you mean "stripe-gateway"?' }),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: "Error" });
export type ErrorBody = z.infer<typeof errorBodySchema>;

const statusByCode = {
  MALFORMED_JSON: 400,
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PLUGIN_NOT_FOUND: 404,
  VERSION_NOT_FOUND: 404,
  TENANT_NOT_FOUND: 404,
  ILLEGAL_TRANSITION: 409,
  DEPENDENCY_MISSING: 409,
  DEPENDENCY_CONFLICT: 409,
  DEPENDENCY_CYCLE: 409,
  DEPENDENCIES_NOT_INSTALLED: 409,
  DEPENDENCY_INACTIVE: 409,
  DEPENDENTS_ACTIVE: 409,
  DEPENDENTS_INSTALLED: 409,
  CONCURRENT_MODIFICATION: 409,
  VERSION_EXISTS: 409,
  INVALID_CONFIGURATION: 422,
  INVALID_MANIFEST: 422,
  BUNDLE_TOO_LARGE: 413,
  LIFECYCLE_CALLBACK_FAILED: 422,
  // upgrades and rollbacks (api/src/lifecycle/upgrade.ts, rollback.ts)
  PERMISSIONS_NOT_APPROVED: 403,
  MIGRATION_FAILED: 422,
  ROLLBACK_REFUSED: 409,
  // canary rollouts (api/src/rollouts)
  ROLLOUT_NOT_FOUND: 404,
  ROLLOUT_IN_PROGRESS: 409,
  ROLLOUT_NOT_OPEN: 409,
  ROLLOUT_TENANT_INELIGIBLE: 409,
  UNKNOWN_HOOK: 400,
  HOOK_VETOED: 422,
  HOOK_FAILED: 502,
  HOOK_TIMEOUT: 504,
  // the commerce API (api/src/commerce)
  PRODUCT_NOT_FOUND: 404,
  ORDER_NOT_FOUND: 404,
  PAYMENT_NOT_FOUND: 404,
  SESSION_NOT_FOUND: 404,
  SKU_TAKEN: 409,
  EMAIL_TAKEN: 409,
  ORDER_STATE_CONFLICT: 409,
  PAYMENT_STATE_CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  PROVIDER_UNAVAILABLE: 409,
  PROVIDER_AMBIGUOUS: 409,
  INVALID_ORDER: 422,
  INVALID_PAYMENT: 422,
  AUTHENTICATION_FAILED: 401,
  PAYMENT_FAILED: 402,
  PLUGIN_FAILED: 502,
  PLUGIN_FAILED_PERMANENTLY: 502,
  PLUGIN_TIMEOUT: 504,
  PLUGIN_LIMIT_EXCEEDED: 502,
  // a plugin call went over one of its tenant's quotas (api/src/sandbox/quotas.ts)
  QUOTA_EXCEEDED: 429,
  PLUGIN_NOT_ACTIVE: 404,
  BUNDLE_MISSING: 503,
  BUNDLE_INVALID: 503,
  WEBHOOK_ENDPOINT_NOT_FOUND: 404,
  WEBHOOK_ENDPOINT_DISABLED: 409,
  // inbound webhooks (api/src/plugin-api): the plugin's verify step refused the request
  WEBHOOK_REFUSED: 400,
  // plugin UI (api/src/admin/ui*.ts): widgets, settings components and their actions
  WIDGET_NOT_FOUND: 404,
  UNKNOWN_ACTION: 422,
  WIDGET_FAILED: 502,
  WIDGET_TIMEOUT: 504,
  WIDGET_INVALID: 502,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof statusByCode;
export type HttpErrorStatus = (typeof statusByCode)[ErrorCode];

export function statusOf(code: ErrorCode): HttpErrorStatus {
  return statusByCode[code];
}

/** Base of every area's error: a code a caller can switch on, a message a user can act on, details for tools. */
export class PlatformError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export type RequestErrorCode = "MALFORMED_JSON" | "VALIDATION_FAILED" | "NOT_FOUND" | "INTERNAL";
/** Errors of the HTTP edge itself: a body that is not JSON, input that fails its schema, a route that does not exist. */
export class RequestError extends PlatformError<RequestErrorCode> {}

/** Turns zod issues into `details` entries that name each field by its dotted path. */
export function fieldIssues(error: z.ZodError, prefix?: string): { field: string; message: string }[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter((p) => p !== undefined && p !== "").join(".") || "(body)",
    message: issue.message,
  }));
}

/** One sentence naming each failing field, for `message`. */
export function describeIssues(issues: { field: string; message: string }[]): string {
  return issues.map((i) => `${i.field}: ${i.message}`).join("; ");
}
