/**
 * Confirming a PaymentIntent: the card attempt and what each test card makes of it. A success
 * authorizes a Charge (captured at once, or held for a manual capture); a decline records a failed
 * Charge and answers 402; 3-D Secure parks the PaymentIntent in requires_action until the customer
 * authenticates (the peer's /3ds page or the control API), which completes it or fails it.
 * https://docs.stripe.com/payments/paymentintents/lifecycle
 */
import { docUrl, StripeApiError, unexpectedState } from "./errors.ts";
import { type OperationContext, recordEvent } from "./events.ts";
import { newId, nowSeconds } from "./ids.ts";
import { chargeObject, paymentIntentObject, paymentMethodObject } from "./objects.ts";
import type { ConfirmParams } from "./payment-intent-params.ts";
import { applyTypes, chooseTypes } from "./payment-method-types.ts";
import { resolvePaymentMethod } from "./payment-methods.ts";
import type { ChargeRecord, PaymentIntentRecord, PaymentMethodRecord } from "./store.ts";
import { AUTHENTICATION_REQUIRED, type CardBehaviour, type Decline } from "./test-cards.ts";

const CONFIRMABLE = ["requires_confirmation", "requires_payment_method", "requires_action"];

const APM_NEEDS_RETURN_URL =
  "This PaymentIntent is configured to accept payment methods enabled in your Dashboard. Because some of these " +
  "payment methods might redirect your customer off of your page, you must provide a `return_url`. If you don't " +
  "want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and " +
  "`automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.";

/** Stripe refuses a confirmation that could need a redirect it has nowhere to send back from. */
export function needsReturnUrl(pi: Pick<PaymentIntentRecord, "automatic_payment_methods">, returnUrl?: string | null) {
  const apm = pi.automatic_payment_methods;
  return Boolean(apm?.enabled && apm.allow_redirects !== "never" && !returnUrl);
}

export function returnUrlRequired(): StripeApiError {
  return new StripeApiError(400, { type: "invalid_request_error", message: APM_NEEDS_RETURN_URL }, { executed: false });
}

export function confirmPaymentIntent(ctx: OperationContext, pi: PaymentIntentRecord, params: ConfirmParams): void {
  if (!CONFIRMABLE.includes(pi.status)) {
    throw unexpectedState(
      pi.status === "succeeded"
        ? "You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed."
        : `You cannot confirm this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with ` +
            `one of the following statuses may be confirmed: ${CONFIRMABLE.join(", ")}.`,
      paymentIntentObject(pi, ctx.store),
    );
  }
  const returnUrl = params.return_url ?? pi.return_url;
  if (needsReturnUrl(pi, returnUrl)) throw returnUrlRequired();
  if (params.payment_method) {
    const pm = resolvePaymentMethod(ctx, params.payment_method);
    if (pm instanceof StripeApiError) throw pm;
    pi.payment_method = pm.id;
  }
  if (params.capture_method) pi.capture_method = params.capture_method;
  if (params.setup_future_usage) pi.setup_future_usage = params.setup_future_usage;
  if (params.receipt_email) pi.receipt_email = params.receipt_email;
  const types = chooseTypes(ctx.apiVersion, params);
  if (types instanceof StripeApiError) throw types;
  applyTypes(pi, types);
  pi.return_url = returnUrl ?? null;
  const pm = pi.payment_method ? ctx.store.paymentMethods.get(pi.payment_method) : undefined;
  if (!pm) {
    throw unexpectedState(
      "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the " +
        "PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a " +
        "payment method or ConfirmationToken.",
      paymentIntentObject(pi, ctx.store),
    );
  }
  attempt(ctx, pi, pm, pm.card.behaviour, {
    offSession: params.off_session ?? false,
    errorOnRequiresAction: params.error_on_requires_action ?? false,
  });
}

function attempt(
  ctx: OperationContext,
  pi: PaymentIntentRecord,
  pm: PaymentMethodRecord,
  behaviour: CardBehaviour,
  options: { offSession: boolean; errorOnRequiresAction: boolean },
): void {
  switch (behaviour.kind) {
    case "succeed":
      authorize(ctx, pi, pm);
      return;
    case "decline":
      decline(ctx, pi, pm, behaviour);
      return;
    case "authenticate":
      // a customer who is not there cannot authenticate: Stripe declines instead of asking
      if (options.offSession || options.errorOnRequiresAction) decline(ctx, pi, pm, AUTHENTICATION_REQUIRED);
      requireAction(ctx, pi);
  }
}

function requireAction(ctx: OperationContext, pi: PaymentIntentRecord): void {
  const page = `${ctx.baseUrl}/3ds/${pi.id}`;
  pi.status = "requires_action";
  pi.last_payment_error = null;
  pi.next_action = pi.return_url
    ? { type: "redirect_to_url", redirect_to_url: { return_url: pi.return_url, url: page } }
    : {
        type: "use_stripe_sdk",
        use_stripe_sdk: { type: "three_d_secure_redirect", source: newId("src"), stripe_js: page },
      };
  recordEvent(ctx, "payment_intent.requires_action", paymentIntentObject(pi, ctx.store));
}

/** A successful authorization: the Charge, then the PaymentIntent's new state. */
function authorize(ctx: OperationContext, pi: PaymentIntentRecord, pm: PaymentMethodRecord): void {
  const manual = pi.capture_method === "manual";
  const charge = newCharge(ctx, pi, pm, {
    status: "succeeded",
    captured: !manual,
    outcome: {
      network_status: "approved_by_network",
      reason: null,
      risk_level: "normal",
      risk_score: 32,
      seller_message: "Payment complete.",
      type: "authorized",
    },
  });
  pi.latest_charge = charge.id;
  pi.last_payment_error = null;
  pi.next_action = null;
  recordEvent(ctx, "charge.succeeded", chargeObject(charge, ctx.store));
  if (manual) {
    pi.status = "requires_capture";
    pi.amount_capturable = pi.amount;
    recordEvent(ctx, "payment_intent.amount_capturable_updated", paymentIntentObject(pi, ctx.store));
  } else {
    pi.status = "succeeded";
    pi.amount_received = pi.amount;
    recordEvent(ctx, "payment_intent.succeeded", paymentIntentObject(pi, ctx.store));
  }
}

function decline(ctx: OperationContext, pi: PaymentIntentRecord, pm: PaymentMethodRecord, behaviour: Decline): never {
  const charge = newCharge(ctx, pi, pm, {
    status: "failed",
    captured: false,
    failure_code: behaviour.code,
    failure_message: behaviour.message,
    outcome: {
      network_status: "declined_by_network",
      reason: behaviour.decline_code,
      risk_level: "normal",
      risk_score: 32,
      seller_message: behaviour.seller_message,
      type: "issuer_declined",
    },
  });
  const error = {
    charge: charge.id,
    code: behaviour.code,
    decline_code: behaviour.decline_code,
    doc_url: docUrl(behaviour.code),
    message: behaviour.message,
    payment_method: paymentMethodObject(pm),
    type: "card_error" as const,
  };
  // the attempt failed: the PaymentIntent wants a new payment method and drops the failed one
  pi.status = "requires_payment_method";
  pi.latest_charge = charge.id;
  pi.last_payment_error = error;
  pi.payment_method = null;
  pi.next_action = null;
  recordEvent(ctx, "charge.failed", chargeObject(charge, ctx.store));
  const rendered = paymentIntentObject(pi, ctx.store);
  recordEvent(ctx, "payment_intent.payment_failed", rendered);
  throw new StripeApiError(402, { ...error, payment_intent: rendered });
}

function newCharge(
  ctx: OperationContext,
  pi: PaymentIntentRecord,
  pm: PaymentMethodRecord,
  fields: Pick<ChargeRecord, "status" | "captured" | "outcome"> & Partial<ChargeRecord>,
): ChargeRecord {
  const charge: ChargeRecord = {
    id: newId("ch"),
    account: ctx.account,
    created: nowSeconds(),
    amount: pi.amount,
    amount_captured: fields.captured ? pi.amount : 0,
    amount_refunded: 0,
    currency: pi.currency,
    description: pi.description,
    metadata: { ...pi.metadata },
    payment_intent: pi.id,
    payment_method: pm.id,
    failure_code: null,
    failure_message: null,
    balance_transaction: fields.captured ? newId("txn") : null,
    refunds: [],
    card: pm.card,
    ...fields,
  };
  ctx.store.charges.set(charge.id, charge);
  return charge;
}

/**
 * The customer's answer to the 3-D Secure challenge. Stripe's message for a failed authentication is
 * its own (`payment_intent_authentication_failure`); no Charge is made for it.
 */
export function completeAuthentication(
  ctx: OperationContext,
  pi: PaymentIntentRecord,
  outcome: "succeed" | "fail",
): void {
  const pm = pi.payment_method ? ctx.store.paymentMethods.get(pi.payment_method) : undefined;
  if (pi.status !== "requires_action" || !pm) {
    throw unexpectedState(
      `This PaymentIntent has a status of ${pi.status}: only a PaymentIntent in requires_action awaits authentication.`,
      paymentIntentObject(pi, ctx.store),
    );
  }
  if (outcome === "succeed") {
    authorize(ctx, pi, pm);
    return;
  }
  pi.status = "requires_payment_method";
  pi.next_action = null;
  pi.payment_method = null;
  pi.last_payment_error = {
    code: "payment_intent_authentication_failure",
    doc_url: docUrl("payment_intent_authentication_failure"),
    message:
      "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new " +
      "PaymentMethod to attempt to fulfill this PaymentIntent again.",
    payment_method: paymentMethodObject(pm),
    type: "invalid_request_error",
  };
  recordEvent(ctx, "payment_intent.payment_failed", paymentIntentObject(pi, ctx.store));
}
