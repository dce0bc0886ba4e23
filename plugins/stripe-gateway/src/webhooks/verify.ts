/**
 * Stripe's webhook, verified while Stripe waits: the `Stripe-Signature` header against the raw body
 * with the store's signing secret (the SDK's constructEventAsync on Web Crypto, Stripe's 300 s
 * tolerance), then the event is queued by its id, so an event Stripe sends twice is handled once.
 */
import { refuseWebhook, type WebhookVerifier } from "@digital-commerce/plugin-sdk";
import Stripe from "stripe";
import { asStripeFailure, stripeOf } from "../stripe.ts";

const crypto = Stripe.createSubtleCryptoProvider();

const verify: WebhookVerifier = async (context, request) => {
  const signature = request.headers.get("stripe-signature");
  if (!signature) refuseWebhook("the request has no Stripe-Signature header");
  const body = await request.text();
  let event: Stripe.Event;
  try {
    event = await stripeOf(context).webhooks.constructEventAsync(
      body,
      signature,
      String(context.plugin.config.webhook_secret),
      undefined,
      crypto,
    );
  } catch (error) {
    if (asStripeFailure(error)?.type === "StripeSignatureVerificationError") {
      refuseWebhook(`the Stripe-Signature does not verify: ${(error as Error).message}`);
    }
    throw error;
  }
  return { id: event.id, type: event.type, data: event.data.object };
};

export default verify;
