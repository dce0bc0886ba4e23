/**
 * Which payment method types a PaymentIntent may use, as the request's API version spells it. Since
 * `2026-09-30.endive` the parameter is `allowed_payment_method_types` (with
 * `excluded_payment_method_types`), and `payment_method_types` is no longer a parameter (stripe-node
 * 23.0.0's changelog); older versions still take it. The object keeps answering `payment_method_types`.
 */
import { invalidParam, type StripeApiError } from "./errors.ts";
import type { PaymentIntentRecord } from "./store.ts";

/** The first version without the `payment_method_types` parameter. */
const ENDIVE = "2026-09-30";

export interface TypeParams {
  payment_method_types?: string[] | undefined;
  allowed_payment_method_types?: string[] | undefined;
  excluded_payment_method_types?: string[] | undefined;
}

export interface TypeChoice {
  /** The types the caller restricted the payment to, if any (which turns automatic payment methods off). */
  restricted: string[] | null;
  allowed: string[] | null;
  excluded: string[] | null;
}

export function chooseTypes(apiVersion: string, params: TypeParams): TypeChoice | StripeApiError {
  if (params.payment_method_types && apiVersion.slice(0, 10) >= ENDIVE) {
    return invalidParam(
      "payment_method_types",
      "Received unknown parameter: payment_method_types",
      "parameter_unknown",
    );
  }
  if (params.payment_method_types && params.allowed_payment_method_types) {
    return invalidParam(
      "allowed_payment_method_types",
      "You may only specify one of these parameters: allowed_payment_method_types, payment_method_types.",
    );
  }
  return {
    restricted: params.allowed_payment_method_types ?? params.payment_method_types ?? null,
    allowed: params.allowed_payment_method_types ?? null,
    excluded: params.excluded_payment_method_types ?? null,
  };
}

/** An update or confirmation that restricts the types: automatic payment methods are off from then on. */
export function applyTypes(pi: PaymentIntentRecord, choice: TypeChoice): void {
  if (choice.restricted) {
    pi.payment_method_types = choice.restricted;
    pi.allowed_payment_method_types = choice.allowed;
    pi.automatic_payment_methods = null;
  }
  if (choice.excluded) pi.excluded_payment_method_types = choice.excluded;
}
