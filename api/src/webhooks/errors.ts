/** Errors of outbound webhooks. */
import { PlatformError } from "../errors/index.ts";

export type WebhookErrorCode =
  | "WEBHOOK_ENDPOINT_NOT_FOUND"
  | "WEBHOOK_ENDPOINT_DISABLED"
  | "VALIDATION_FAILED"
  | "CONCURRENT_MODIFICATION";
export class WebhookError extends PlatformError<WebhookErrorCode> {}

export function endpointNotFound(id: string): WebhookError {
  return new WebhookError(
    "WEBHOOK_ENDPOINT_NOT_FOUND",
    `No webhook endpoint "${id}" for this tenant; list them with GET /api/admin/webhooks.`,
    { id },
  );
}

/** A field that passed its schema but not a rule that needs the environment (the URL policy): the same 400 shape. */
export function invalidField(field: string, message: string): WebhookError {
  return new WebhookError("VALIDATION_FAILED", `Invalid request: ${field}: ${message}`, {
    issues: [{ field, message }],
  });
}
