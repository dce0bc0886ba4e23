/**
 * Stripe's error envelope (`{"error":{"type","code","message","param",...}}`) and the one error class
 * the handlers throw; the server turns it into the HTTP answer. Messages are Stripe's own wording where
 * it is known (see README.md), so a plugin that logs or matches them sees what production shows.
 * https://docs.stripe.com/api/errors
 */

export type StripeErrorType = "invalid_request_error" | "card_error" | "api_error" | "idempotency_error";

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
  request_log_url?: string;
  charge?: string;
  payment_intent?: Record<string, unknown>;
  payment_method?: Record<string, unknown>;
  advice_code?: string;
}

export class StripeApiError extends Error {
  readonly status: number;
  readonly body: StripeErrorBody;
  /** False for refusals before the endpoint ran (bad params, auth): Stripe saves no idempotent result for those. */
  readonly executed: boolean;

  constructor(status: number, body: StripeErrorBody, options: { executed?: boolean } = {}) {
    super(body.message);
    this.status = status;
    this.body = body.code && !body.doc_url ? { ...body, doc_url: docUrl(body.code) } : body;
    this.executed = options.executed ?? true;
  }
}

export function docUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replaceAll("_", "-")}`;
}

/** A parameter refused before the endpoint ran (400, no idempotent result saved). */
export function invalidParam(param: string, message: string, code?: string): StripeApiError {
  return new StripeApiError(
    400,
    { type: "invalid_request_error", message, param, ...(code ? { code } : {}) },
    { executed: false },
  );
}

/** A 400 that depends on the object's state (the endpoint ran, so an idempotent replay returns it). */
export function invalidRequest(message: string, extra: { param?: string; code?: string } = {}): StripeApiError {
  return new StripeApiError(400, { type: "invalid_request_error", message, ...extra });
}

/** 404 for an id the account does not have. `param` is what Stripe names: "intent" for a PaymentIntent. */
export function resourceMissing(kind: string, id: string, param: string): StripeApiError {
  return new StripeApiError(404, {
    type: "invalid_request_error",
    code: "resource_missing",
    message: `No such ${kind}: '${id}'`,
    param,
  });
}

/** 400 payment_intent_unexpected_state with the PaymentIntent as it is, as Stripe attaches it. */
export function unexpectedState(message: string, paymentIntent: Record<string, unknown>): StripeApiError {
  return new StripeApiError(400, {
    type: "invalid_request_error",
    code: "payment_intent_unexpected_state",
    message,
    payment_intent: paymentIntent,
  });
}

export function envelope(body: StripeErrorBody, requestId: string): { error: StripeErrorBody } {
  return { error: { ...body, request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}` } };
}
