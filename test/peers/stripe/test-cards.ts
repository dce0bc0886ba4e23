/**
 * Stripe's test PaymentMethods (https://docs.stripe.com/testing#cards): the `pm_card_*` names a test
 * integration passes as `payment_method`, and what the card does when a PaymentIntent is confirmed with it.
 */

export type CardBehaviour =
  | { kind: "succeed" }
  | { kind: "decline"; code: string; decline_code: string; message: string; seller_message: string }
  /** 3-D Secure: the PaymentIntent waits in requires_action until the customer authenticates. */
  | { kind: "authenticate" };

export type Decline = Extract<CardBehaviour, { kind: "decline" }>;

export interface TestCard {
  brand: "visa" | "mastercard" | "amex";
  last4: string;
  funding: "credit" | "debit";
  country: string;
  behaviour: CardBehaviour;
}

const succeed: CardBehaviour = { kind: "succeed" };

function decline(code: string, decline_code: string, message: string, seller_message: string): Decline {
  return { kind: "decline", code, decline_code, message, seller_message };
}

export const TEST_PAYMENT_METHODS: Readonly<Record<string, TestCard>> = {
  pm_card_visa: { brand: "visa", last4: "4242", funding: "credit", country: "US", behaviour: succeed },
  pm_card_visa_debit: { brand: "visa", last4: "5556", funding: "debit", country: "US", behaviour: succeed },
  pm_card_mastercard: { brand: "mastercard", last4: "4444", funding: "credit", country: "US", behaviour: succeed },
  pm_card_amex: { brand: "amex", last4: "8431", funding: "credit", country: "US", behaviour: succeed },
  pm_card_chargeDeclined: {
    brand: "visa",
    last4: "0002",
    funding: "credit",
    country: "US",
    behaviour: decline(
      "card_declined",
      "generic_decline",
      "Your card was declined.",
      "The bank did not return any further details with this decline.",
    ),
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    brand: "visa",
    last4: "9995",
    funding: "credit",
    country: "US",
    behaviour: decline(
      "card_declined",
      "insufficient_funds",
      "Your card has insufficient funds.",
      "The bank returned the decline code `insufficient_funds`.",
    ),
  },
  pm_card_chargeDeclinedExpiredCard: {
    brand: "visa",
    last4: "0069",
    funding: "credit",
    country: "US",
    behaviour: decline(
      "expired_card",
      "expired_card",
      "Your card has expired.",
      "The bank returned the decline code `expired_card`.",
    ),
  },
  pm_card_chargeDeclinedIncorrectCvc: {
    brand: "visa",
    last4: "0127",
    funding: "credit",
    country: "US",
    behaviour: decline(
      "incorrect_cvc",
      "incorrect_cvc",
      "Your card's security code is incorrect.",
      "The bank returned the decline code `incorrect_cvc`.",
    ),
  },
  pm_card_authenticationRequired: {
    brand: "visa",
    last4: "3184",
    funding: "credit",
    country: "US",
    behaviour: { kind: "authenticate" },
  },
  pm_card_threeDSecure2Required: {
    brand: "visa",
    last4: "3220",
    funding: "credit",
    country: "US",
    behaviour: { kind: "authenticate" },
  },
};

/** What Stripe answers when an off-session payment (or `error_on_requires_action`) meets 3-D Secure. */
export const AUTHENTICATION_REQUIRED = decline(
  "authentication_required",
  "authentication_required",
  "Your card was declined. This transaction requires authentication.",
  "The bank returned the decline code `authentication_required`.",
);
