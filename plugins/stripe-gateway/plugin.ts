/**
 * stripe-gateway's PaymentPlugin methods, on Stripe PaymentIntents. Every call passes the platform's
 * idempotency key to Stripe, so a retried call (ours, the platform's or the queue's) never charges,
 * captures or refunds twice. "Already captured", "already canceled" and "already refunded" are the
 * outcome that was asked for, so they answer the intent as it is. A card decline is a failure with
 * Stripe's codes; an error that leaves it unknown whether Stripe acted is `indeterminate`, and the
 * platform settles the payment from the webhook or a refresh.
 */
import type {
  PaymentData,
  PaymentResult,
  PaymentUpdate,
  PluginContext,
  PluginImplementation,
} from "@digital-commerce/plugin-sdk";
import type Stripe from "stripe";
import { failureOf, metadataOf, paymentIdOf, updateOf } from "./src/intents.ts";
import { remember } from "./src/ledger.ts";
import { asStripeFailure, isTransient, stripeOf, withRetries } from "./src/stripe.ts";

const EXPAND = ["latest_charge"];

/** The events that can move a payment; the rest (payment_intent.created among them) complete nothing. */
const PAYMENT_EVENTS = new Set([
  "payment_intent.succeeded",
  "payment_intent.payment_failed",
  "payment_intent.requires_action",
  "payment_intent.amount_capturable_updated",
  "payment_intent.canceled",
  "charge.refunded",
]);

async function retrieve(stripe: Stripe, id: string): Promise<Stripe.PaymentIntent> {
  return await withRetries(() => stripe.paymentIntents.retrieve(id, { expand: EXPAND }));
}

async function reported(context: PluginContext, intent: Stripe.PaymentIntent): Promise<PaymentResult> {
  const update = updateOf(intent, paymentIdOf(context, intent));
  await remember(context, update, intent.currency);
  if (update.status === "failed") {
    return { success: false, transaction_id: intent.id, error: update.error ?? failureOf({}) };
  }
  const { payment_id: _id, error: _error, status, ...rest } = update;
  return { success: true, ...rest, status };
}

/** A Stripe error as the platform's answer: a decline, a refusal, or "cannot tell" when Stripe may have acted. */
function failed(error: unknown, transactionId?: string): PaymentResult {
  const failure = asStripeFailure(error);
  if (!failure) throw error;
  const intent = failure.raw?.payment_intent;
  return {
    success: false,
    ...((transactionId ?? intent?.id) ? { transaction_id: transactionId ?? intent?.id } : {}),
    error: failureOf(failure),
    ...(isTransient(failure) ? { indeterminate: true } : {}),
  };
}

/**
 * A state error that may mean the asked-for outcome already holds (captured twice, canceled twice,
 * refunded in full twice): the intent as it is when it does, the failure otherwise.
 */
async function unlessAlready(
  context: PluginContext,
  stripe: Stripe,
  transactionId: string,
  error: unknown,
  holds: (intent: Stripe.PaymentIntent) => boolean,
): Promise<PaymentResult> {
  const failure = asStripeFailure(error);
  if (failure?.type === "StripeInvalidRequestError") {
    const intent = await retrieve(stripe, transactionId);
    if (holds(intent)) return await reported(context, intent);
  }
  return failed(error, transactionId);
}

const plugin: PluginImplementation<"payment"> = {
  async processPayment(context, payment: PaymentData) {
    const stripe = stripeOf(context);
    const manual = context.plugin.config.capture === "manual";
    try {
      const intent = await withRetries(() =>
        stripe.paymentIntents.create(
          {
            amount: payment.amount,
            currency: payment.currency.toLowerCase(),
            capture_method: manual ? "manual" : "automatic",
            // a card the storefront already tokenised is confirmed now; without one Stripe.js confirms later
            ...(payment.method ? { payment_method: payment.method, confirm: true } : {}),
            allowed_payment_method_types: ["card"],
            metadata: metadataOf({
              tenant_id: payment.tenant_id,
              payment_id: payment.payment_id,
              order_id: payment.order_id,
            }),
            ...(payment.description ? { description: payment.description } : {}),
            expand: EXPAND,
          },
          { idempotencyKey: payment.idempotency_key },
        ),
      );
      context.logger.info("payment intent created", { intent: intent.id, status: intent.status });
      return await reported(context, intent);
    } catch (error) {
      return failed(error);
    }
  },

  async capturePayment(context, transactionId, amount) {
    const stripe = stripeOf(context);
    try {
      const intent = await withRetries(() =>
        stripe.paymentIntents.capture(
          transactionId,
          { ...(amount === undefined ? {} : { amount_to_capture: amount }), expand: EXPAND },
          context.idempotency_key ? { idempotencyKey: context.idempotency_key } : {},
        ),
      );
      return await reported(context, intent);
    } catch (error) {
      return await unlessAlready(context, stripe, transactionId, error, (i) => i.status === "succeeded");
    }
  },

  async cancelPayment(context, transactionId) {
    const stripe = stripeOf(context);
    try {
      const intent = await withRetries(() =>
        stripe.paymentIntents.cancel(
          transactionId,
          { expand: EXPAND },
          context.idempotency_key ? { idempotencyKey: context.idempotency_key } : {},
        ),
      );
      return await reported(context, intent);
    } catch (error) {
      return await unlessAlready(context, stripe, transactionId, error, (i) => i.status === "canceled");
    }
  },

  async refundPayment(context, transactionId, amount) {
    const stripe = stripeOf(context);
    try {
      await withRetries(() =>
        stripe.refunds.create(
          { payment_intent: transactionId, ...(amount === undefined ? {} : { amount }) },
          context.idempotency_key ? { idempotencyKey: context.idempotency_key } : {},
        ),
      );
      // the refund's total lives on the charge: report the intent with it, all refunds together
      return await reported(context, await retrieve(stripe, transactionId));
    } catch (error) {
      return await unlessAlready(
        context,
        stripe,
        transactionId,
        error,
        (i) => typeof i.latest_charge === "object" && i.latest_charge?.refunded === true,
      );
    }
  },

  async retrievePayment(context, transactionId): Promise<PaymentUpdate> {
    const intent = await retrieve(stripeOf(context), transactionId);
    const update = updateOf(intent, paymentIdOf(context, intent));
    await remember(context, update, intent.currency);
    return update;
  },

  /**
   * Re-reads the intent the event is about rather than trusting the event: Stripe's events come late,
   * twice and out of order, and the intent is the truth now. Stripe down throws, so the delivery is
   * retried and, past its attempts, dead-lettered for a replay.
   */
  async handleWebhook(context, type, event) {
    if (!PAYMENT_EVENTS.has(type)) return null;
    const object = (event as { data?: { id?: unknown; object?: unknown; payment_intent?: unknown } }).data;
    const intentId = type === "charge.refunded" ? object?.payment_intent : object?.id;
    if (typeof intentId !== "string") return null;
    const intent = await retrieve(stripeOf(context), intentId);
    const paymentId = paymentIdOf(context, intent);
    // an intent another system made on a shared account, or another store's: not this platform's to settle
    if (!paymentId) {
      context.logger.info("webhook about an intent of another system; ignored", { type, intent: intentId });
      return null;
    }
    const update = updateOf(intent, paymentId);
    await remember(context, update, intent.currency);
    return update;
  },
};

export default plugin;
