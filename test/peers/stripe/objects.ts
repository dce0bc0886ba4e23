/**
 * The JSON the API answers: each record rendered in Stripe's object shape (`object: "payment_intent"`,
 * every documented field present, null where unset), with `expand[]` resolving the ids Stripe can
 * expand one level deep (https://docs.stripe.com/api/expanding_objects).
 */
import { invalidParam, type StripeApiError } from "./errors.ts";
import type { ChargeRecord, PaymentIntentRecord, PaymentMethodRecord, RefundRecord, Store } from "./store.ts";

type Json = Record<string, unknown>;

const EXPANDABLE: Record<string, readonly string[]> = {
  payment_intent: ["latest_charge", "payment_method"],
  charge: ["payment_intent", "payment_method", "refunds", "balance_transaction"],
  refund: ["charge", "payment_intent"],
};

/** Refuses what Stripe would not expand on this object, before the endpoint does anything. */
export function checkExpand(kind: keyof typeof EXPANDABLE, expand: readonly string[]): StripeApiError | null {
  for (const path of expand) {
    if (!EXPANDABLE[kind]?.includes(path)) {
      return invalidParam("expand", `This property cannot be expanded (${path}).`);
    }
  }
  return null;
}

export function paymentMethodObject(pm: PaymentMethodRecord): Json {
  const { card } = pm;
  return {
    id: pm.id,
    object: "payment_method",
    allow_redisplay: "unspecified",
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: null,
      name: null,
      phone: null,
    },
    card: {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
      country: card.country,
      display_brand: card.brand,
      exp_month: 12,
      exp_year: new Date().getUTCFullYear() + 3,
      fingerprint: `fp${card.last4}${card.brand}`,
      funding: card.funding,
      last4: card.last4,
      networks: { available: [card.brand], preferred: null },
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: pm.created,
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: "card",
  };
}

export function paymentIntentObject(pi: PaymentIntentRecord, store: Store, expand: readonly string[] = []): Json {
  const charge = pi.latest_charge ? store.charges.get(pi.latest_charge) : undefined;
  const pm = pi.payment_method ? store.paymentMethods.get(pi.payment_method) : undefined;
  return {
    id: pi.id,
    object: "payment_intent",
    allowed_payment_method_types: pi.allowed_payment_method_types ? [...pi.allowed_payment_method_types] : null,
    amount: pi.amount,
    amount_capturable: pi.amount_capturable,
    amount_details: { tip: {} },
    amount_received: pi.amount_received,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: pi.automatic_payment_methods,
    canceled_at: pi.canceled_at,
    cancellation_reason: pi.cancellation_reason,
    capture_method: pi.capture_method,
    client_secret: pi.client_secret,
    confirmation_method: pi.confirmation_method,
    created: pi.created,
    currency: pi.currency,
    customer: pi.customer,
    customer_account: null,
    description: pi.description,
    excluded_payment_method_types: pi.excluded_payment_method_types ? [...pi.excluded_payment_method_types] : null,
    last_payment_error: pi.last_payment_error,
    latest_charge: expand.includes("latest_charge") && charge ? chargeObject(charge, store) : pi.latest_charge,
    livemode: false,
    managed_payments: null,
    metadata: { ...pi.metadata },
    next_action: pi.next_action,
    on_behalf_of: null,
    payment_method: expand.includes("payment_method") && pm ? paymentMethodObject(pm) : pi.payment_method,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: {
        installments: null,
        mandate_options: null,
        network: null,
        request_three_d_secure: "automatic",
      },
    },
    payment_method_types: [...pi.payment_method_types],
    payment_record: null,
    processing: null,
    receipt_email: pi.receipt_email,
    review: null,
    setup_future_usage: pi.setup_future_usage,
    shipping: null,
    source: null,
    statement_descriptor: pi.statement_descriptor,
    statement_descriptor_suffix: pi.statement_descriptor_suffix,
    status: pi.status,
    transfer_data: null,
    transfer_group: null,
  };
}

export function chargeObject(charge: ChargeRecord, store: Store, expand: readonly string[] = []): Json {
  const pi = store.paymentIntents.get(charge.payment_intent);
  const pm = store.paymentMethods.get(charge.payment_method);
  const refunds = charge.refunds.flatMap((id) => {
    const refund = store.refunds.get(id);
    return refund ? [refundObject(refund, store)] : [];
  });
  return {
    id: charge.id,
    object: "charge",
    amount: charge.amount,
    amount_captured: charge.amount_captured,
    amount_refunded: charge.amount_refunded,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: charge.balance_transaction,
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: null,
      name: null,
      phone: null,
    },
    calculated_statement_descriptor: "PEER",
    captured: charge.captured,
    created: charge.created,
    currency: charge.currency,
    customer: null,
    description: charge.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: charge.failure_code,
    failure_message: charge.failure_message,
    fraud_details: {},
    livemode: false,
    metadata: { ...charge.metadata },
    on_behalf_of: null,
    outcome: charge.outcome,
    paid: charge.status === "succeeded",
    payment_intent: expand.includes("payment_intent") && pi ? paymentIntentObject(pi, store) : charge.payment_intent,
    payment_method: expand.includes("payment_method") && pm ? paymentMethodObject(pm) : charge.payment_method,
    payment_method_details: {
      card: {
        amount_authorized: charge.status === "succeeded" ? charge.amount : null,
        brand: charge.card.brand,
        capture_before: charge.captured ? null : charge.created + 7 * 24 * 3600,
        country: charge.card.country,
        exp_month: 12,
        exp_year: new Date().getUTCFullYear() + 3,
        funding: charge.card.funding,
        last4: charge.card.last4,
        network: charge.card.brand,
        three_d_secure: null,
      },
      type: "card",
    },
    receipt_email: null,
    receipt_number: null,
    receipt_url: null,
    refunded: charge.amount_refunded > 0 && charge.amount_refunded >= charge.amount_captured,
    // since API version 2022-11-15 `refunds` is present only when expanded
    ...(expand.includes("refunds")
      ? {
          refunds: {
            object: "list",
            data: refunds,
            has_more: false,
            total_count: refunds.length,
            url: `/v1/charges/${charge.id}/refunds`,
          },
        }
      : {}),
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: charge.status,
    transfer_data: null,
    transfer_group: null,
  };
}

export function refundObject(refund: RefundRecord, store: Store, expand: readonly string[] = []): Json {
  const charge = store.charges.get(refund.charge);
  const pi = store.paymentIntents.get(refund.payment_intent);
  return {
    id: refund.id,
    object: "refund",
    amount: refund.amount,
    balance_transaction: refund.balance_transaction,
    charge: expand.includes("charge") && charge ? chargeObject(charge, store) : refund.charge,
    created: refund.created,
    currency: refund.currency,
    customer: null,
    customer_account: null,
    destination_details: {
      card: { reference_status: "pending", reference_type: "acquirer_reference_number", type: "refund" },
      type: "card",
    },
    metadata: { ...refund.metadata },
    payment_intent: expand.includes("payment_intent") && pi ? paymentIntentObject(pi, store) : refund.payment_intent,
    payment_method: charge?.payment_method ?? null,
    reason: refund.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: refund.status,
    transfer_reversal: null,
  };
}
