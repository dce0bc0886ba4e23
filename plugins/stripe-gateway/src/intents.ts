/**
 * What a Stripe PaymentIntent says about the platform's payment. Stripe's statuses map onto the
 * platform's machine (pending → authorized → captured → refunded, failed, canceled), amounts stay in
 * Stripe's integers (already the currency's minor units), and the refunds come from the intent's
 * latest charge. Only intents this platform created for this store count: the metadata names both.
 */
import type { PaymentFailure, PaymentNextAction, PaymentUpdate, PluginContext } from "@digital-commerce/plugin-sdk";
import type Stripe from "stripe";

/** The metadata the plugin puts on every PaymentIntent: how a webhook finds its way back. */
export const PLATFORM = "digital-commerce";

export interface PaymentRef {
  tenant_id: string;
  payment_id: string;
  order_id?: string;
}

export function metadataOf(ref: PaymentRef): Record<string, string> {
  return {
    platform: PLATFORM,
    tenant_id: ref.tenant_id,
    payment_id: ref.payment_id,
    ...(ref.order_id ? { order_id: ref.order_id } : {}),
  };
}

/** The platform's payment id when the intent is this store's, else null (another system shares the account). */
export function paymentIdOf(context: PluginContext, intent: Stripe.PaymentIntent): string | null {
  const { platform, tenant_id, payment_id } = intent.metadata ?? {};
  return platform === PLATFORM && tenant_id === context.tenant.id && payment_id ? payment_id : null;
}

const refundedOf = (intent: Stripe.PaymentIntent): number =>
  typeof intent.latest_charge === "object" && intent.latest_charge !== null ? intent.latest_charge.amount_refunded : 0;

/** The card's last refusal, as the platform records a failure. */
export function failureOf(
  error: Stripe.PaymentIntent.LastPaymentError | { code?: string; decline_code?: string; message?: string },
): PaymentFailure {
  return {
    code: error.code ?? "card_declined",
    message: error.message ?? "The card was declined.",
    ...(error.decline_code ? { decline_code: error.decline_code } : {}),
  };
}

function nextActionOf(intent: Stripe.PaymentIntent): PaymentNextAction | undefined {
  const secret = intent.client_secret ?? undefined;
  if (intent.status === "requires_action" && intent.next_action) {
    const redirect = intent.next_action.redirect_to_url?.url ?? undefined;
    return {
      type: intent.next_action.type,
      ...(secret ? { client_secret: secret } : {}),
      ...(redirect ? { redirect_url: redirect } : {}),
    };
  }
  // no card yet (or none given): the storefront collects one with Stripe.js and confirms with the secret
  if (intent.status === "requires_payment_method" || intent.status === "requires_confirmation") {
    return { type: "confirm_with_stripe_js", ...(secret ? { client_secret: secret } : {}) };
  }
  return undefined;
}

/** The intent as the platform's payment state: the provider's absolute truth, applied forwards only. */
export function updateOf(intent: Stripe.PaymentIntent, paymentId?: string | null): PaymentUpdate {
  const base = { transaction_id: intent.id, amount: intent.amount, ...(paymentId ? { payment_id: paymentId } : {}) };
  switch (intent.status) {
    case "requires_capture":
      return { ...base, status: "authorized" };
    case "succeeded":
      return {
        ...base,
        status: "captured",
        captured_amount: intent.amount_received,
        refunded_amount: refundedOf(intent),
      };
    case "canceled":
      return { ...base, status: "canceled" };
    case "requires_payment_method":
      // a confirmation that failed leaves the intent waiting for another card; for the platform the payment failed
      if (intent.last_payment_error) return { ...base, status: "failed", error: failureOf(intent.last_payment_error) };
      return withAction(base, intent);
    default:
      // requires_confirmation, requires_action, processing: the customer or the bank still has to act
      return withAction(base, intent);
  }
}

function withAction(base: Omit<PaymentUpdate, "status">, intent: Stripe.PaymentIntent): PaymentUpdate {
  const next = nextActionOf(intent);
  return { ...base, status: "pending", ...(next ? { next_action: next } : {}) };
}
