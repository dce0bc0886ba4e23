/**
 * The PaymentIntent state machine outside confirmation: create (optionally confirming at once), update,
 * capture (in full or in part) and cancel, each checking the status Stripe requires and answering
 * Stripe's `payment_intent_unexpected_state` with Stripe's message when it is not met.
 * https://docs.stripe.com/api/payment_intents
 */
import { confirmPaymentIntent, needsReturnUrl, returnUrlRequired } from "./confirmation.ts";
import { checkChargeAmount, normalizeCurrency } from "./currency.ts";
import { invalidParam, invalidRequest, StripeApiError, unexpectedState } from "./errors.ts";
import { type OperationContext, recordEvent } from "./events.ts";
import { clientSecret, newId, nowSeconds } from "./ids.ts";
import { chargeObject, paymentIntentObject } from "./objects.ts";
import { mergeMetadata } from "./params.ts";
import type { CancelParams, CaptureParams, CreateParams, UpdateParams } from "./payment-intent-params.ts";
import { applyTypes, chooseTypes } from "./payment-method-types.ts";
import { resolvePaymentMethod } from "./payment-methods.ts";
import { issueRefund } from "./refunds.ts";
import type { PaymentIntentRecord } from "./store.ts";

const CANCELABLE = [
  "requires_payment_method",
  "requires_capture",
  "requires_confirmation",
  "requires_action",
  "processing",
];
const UPDATABLE = ["requires_payment_method", "requires_confirmation", "requires_action"];

export function createPaymentIntent(ctx: OperationContext, params: CreateParams): PaymentIntentRecord {
  const currency = normalizeCurrency(params.currency);
  if (currency instanceof StripeApiError) throw currency;
  const amountError = checkChargeAmount(params.amount, currency);
  if (amountError) throw amountError;
  const types = chooseTypes(ctx.apiVersion, params);
  if (types instanceof StripeApiError) throw types;
  if (types.restricted && params.automatic_payment_methods?.enabled) {
    throw invalidParam(
      "automatic_payment_methods",
      "You may only specify one of these parameters: automatic_payment_methods, allowed_payment_method_types.",
    );
  }
  if (params.return_url && !params.confirm) {
    throw invalidParam("return_url", "You can only pass in `return_url` when `confirm` is set to true.");
  }
  // since API version 2023-08-16 a PaymentIntent not restricted to some types takes the Dashboard's
  // payment methods, some of which redirect: that is what makes `return_url` necessary on confirm
  const automatic = types.restricted
    ? null
    : {
        enabled: params.automatic_payment_methods?.enabled ?? true,
        allow_redirects: params.automatic_payment_methods?.allow_redirects ?? "always",
      };
  if (params.confirm && needsReturnUrl({ automatic_payment_methods: automatic }, params.return_url)) {
    throw returnUrlRequired();
  }
  const pm = params.payment_method ? resolvePaymentMethod(ctx, params.payment_method) : null;
  if (pm instanceof StripeApiError) throw pm;

  const id = newId("pi");
  const pi: PaymentIntentRecord = {
    id,
    account: ctx.account,
    created: nowSeconds(),
    amount: params.amount,
    currency,
    capture_method: params.capture_method ?? "automatic_async",
    confirmation_method: params.confirmation_method ?? "automatic",
    status: pm ? "requires_confirmation" : "requires_payment_method",
    amount_capturable: 0,
    amount_received: 0,
    client_secret: clientSecret(id),
    description: params.description ?? null,
    metadata: {},
    payment_method: pm?.id ?? null,
    payment_method_types: types.restricted ?? ["card"],
    allowed_payment_method_types: types.allowed,
    excluded_payment_method_types: types.excluded,
    automatic_payment_methods: automatic,
    latest_charge: null,
    last_payment_error: null,
    next_action: null,
    canceled_at: null,
    cancellation_reason: null,
    receipt_email: params.receipt_email ?? null,
    statement_descriptor: params.statement_descriptor ?? null,
    statement_descriptor_suffix: params.statement_descriptor_suffix ?? null,
    setup_future_usage: params.setup_future_usage ?? null,
    customer: params.customer ?? null,
    return_url: null,
  };
  mergeMetadata(pi.metadata, params.metadata);
  ctx.store.paymentIntents.set(pi.id, pi);
  recordEvent(ctx, "payment_intent.created", paymentIntentObject(pi, ctx.store));
  if (params.confirm) {
    confirmPaymentIntent(ctx, pi, {
      return_url: params.return_url,
      off_session: params.off_session,
      error_on_requires_action: params.error_on_requires_action,
    });
  }
  return pi;
}

export function updatePaymentIntent(ctx: OperationContext, pi: PaymentIntentRecord, params: UpdateParams): void {
  const rendered = () => paymentIntentObject(pi, ctx.store);
  // metadata, description and receipt fields can change in any status; the payment itself only before it is made
  const fields = ["amount", "currency", "payment_method", "allowed_payment_method_types", "capture_method"] as const;
  for (const field of fields) {
    if (params[field] !== undefined && !UPDATABLE.includes(pi.status)) {
      throw unexpectedState(
        `This PaymentIntent's ${field} could not be updated because it has a status of ${pi.status}. You may only ` +
          `update the ${field} of a PaymentIntent with one of the following statuses: ${UPDATABLE.join(", ")}.`,
        rendered(),
      );
    }
  }
  const types = chooseTypes(ctx.apiVersion, params);
  if (types instanceof StripeApiError) throw types;
  const currency = params.currency === undefined ? pi.currency : normalizeCurrency(params.currency);
  if (currency instanceof StripeApiError) throw currency;
  const amount = params.amount ?? pi.amount;
  const amountError =
    params.amount !== undefined || params.currency !== undefined ? checkChargeAmount(amount, currency) : null;
  if (amountError) throw amountError;
  if (params.payment_method) {
    const pm = resolvePaymentMethod(ctx, params.payment_method);
    if (pm instanceof StripeApiError) throw pm;
    pi.payment_method = pm.id;
    if (pi.status === "requires_payment_method") pi.status = "requires_confirmation";
  }
  pi.amount = amount;
  pi.currency = currency;
  if (params.capture_method) pi.capture_method = params.capture_method;
  applyTypes(pi, types);
  if (params.description !== undefined) pi.description = params.description;
  if (params.receipt_email !== undefined) pi.receipt_email = params.receipt_email;
  if (params.statement_descriptor !== undefined) pi.statement_descriptor = params.statement_descriptor;
  if (params.statement_descriptor_suffix !== undefined)
    pi.statement_descriptor_suffix = params.statement_descriptor_suffix;
  if (params.setup_future_usage) pi.setup_future_usage = params.setup_future_usage;
  if (params.customer) pi.customer = params.customer;
  mergeMetadata(pi.metadata, params.metadata);
}

export function capturePaymentIntent(ctx: OperationContext, pi: PaymentIntentRecord, params: CaptureParams): void {
  if (pi.status !== "requires_capture") {
    throw unexpectedState(
      pi.status === "succeeded"
        ? "This PaymentIntent could not be captured because it has already been captured."
        : `This PaymentIntent could not be captured because it has a status of ${pi.status}. Only a PaymentIntent ` +
            "with one of the following statuses may be captured: requires_capture.",
      paymentIntentObject(pi, ctx.store),
    );
  }
  const charge = pi.latest_charge ? ctx.store.charges.get(pi.latest_charge) : undefined;
  if (!charge) throw new Error(`peer invariant: ${pi.id} is requires_capture without a charge`);
  const amount = params.amount_to_capture ?? pi.amount_capturable;
  if (amount > pi.amount_capturable) {
    throw invalidRequest(
      `The amount_to_capture (${amount}) must be less than or equal to the PaymentIntent's amount_capturable ` +
        `(${pi.amount_capturable}).`,
      { param: "amount_to_capture", code: "amount_too_large" },
    );
  }
  const amountError = checkChargeAmount(amount, pi.currency, "amount_to_capture");
  if (amountError) throw amountError;
  const previous = { amount_captured: charge.amount_captured, captured: charge.captured };
  // a partial capture releases the rest of the authorization: nothing more can be captured later
  charge.captured = true;
  charge.amount_captured = amount;
  charge.balance_transaction = newId("txn");
  pi.amount_received = amount;
  pi.amount_capturable = 0;
  pi.status = "succeeded";
  if (params.statement_descriptor) pi.statement_descriptor = params.statement_descriptor;
  if (params.statement_descriptor_suffix) pi.statement_descriptor_suffix = params.statement_descriptor_suffix;
  mergeMetadata(pi.metadata, params.metadata);
  recordEvent(ctx, "charge.captured", chargeObject(charge, ctx.store), previous);
  recordEvent(ctx, "payment_intent.succeeded", paymentIntentObject(pi, ctx.store));
}

export function cancelPaymentIntent(ctx: OperationContext, pi: PaymentIntentRecord, params: CancelParams): void {
  if (!CANCELABLE.includes(pi.status)) {
    throw unexpectedState(
      `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one ` +
        `of the following statuses may be canceled: ${CANCELABLE.join(", ")}.`,
      paymentIntentObject(pi, ctx.store),
    );
  }
  // "For PaymentIntents with a status of requires_capture, the remaining amount_capturable will
  // automatically be refunded." (API reference, Cancel a PaymentIntent)
  const charge = pi.latest_charge ? ctx.store.charges.get(pi.latest_charge) : undefined;
  if (pi.status === "requires_capture" && charge) issueRefund(ctx, charge, pi.amount_capturable, null, {});
  pi.status = "canceled";
  pi.canceled_at = nowSeconds();
  pi.cancellation_reason = params.cancellation_reason ?? null;
  pi.amount_capturable = 0;
  pi.next_action = null;
  recordEvent(ctx, "payment_intent.canceled", paymentIntentObject(pi, ctx.store));
}
