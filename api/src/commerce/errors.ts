/** Errors of the commerce API: what a store's request refers to is missing, conflicts, or a plugin refused it. */
import { PlatformError } from "../errors/index.ts";

export type CommerceErrorCode =
  | "PRODUCT_NOT_FOUND"
  | "ORDER_NOT_FOUND"
  | "PAYMENT_NOT_FOUND"
  | "SESSION_NOT_FOUND"
  | "SKU_TAKEN"
  | "EMAIL_TAKEN"
  | "ORDER_STATE_CONFLICT"
  | "PAYMENT_STATE_CONFLICT"
  | "IDEMPOTENCY_KEY_REUSED"
  | "CONCURRENT_MODIFICATION"
  | "INVALID_ORDER"
  | "INVALID_PAYMENT"
  | "PROVIDER_UNAVAILABLE"
  | "PROVIDER_AMBIGUOUS"
  | "PAYMENT_FAILED"
  | "AUTHENTICATION_FAILED";
export class CommerceError extends PlatformError<CommerceErrorCode> {}
