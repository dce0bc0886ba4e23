/**
 * The peer's state: PaymentIntents, Charges, Refunds, PaymentMethods and Events, in memory, each owned by
 * the account (API key) that created it. Another key sees none of them, as another Stripe account would not.
 */
import type { TestCard } from "./test-cards.ts";

export type PaymentIntentStatus =
  | "requires_payment_method"
  | "requires_confirmation"
  | "requires_action"
  | "processing"
  | "requires_capture"
  | "canceled"
  | "succeeded";

export type CaptureMethod = "automatic" | "automatic_async" | "manual";

export interface Owned {
  id: string;
  /** The secret key that created it: the peer's notion of a Stripe account. */
  account: string;
  created: number;
}

export interface PaymentIntentRecord extends Owned {
  amount: number;
  currency: string;
  capture_method: CaptureMethod;
  confirmation_method: "automatic" | "manual";
  status: PaymentIntentStatus;
  amount_capturable: number;
  amount_received: number;
  client_secret: string;
  description: string | null;
  metadata: Record<string, string>;
  payment_method: string | null;
  payment_method_types: string[];
  allowed_payment_method_types: string[] | null;
  excluded_payment_method_types: string[] | null;
  automatic_payment_methods: { enabled: boolean; allow_redirects: "always" | "never" } | null;
  latest_charge: string | null;
  last_payment_error: Record<string, unknown> | null;
  next_action: Record<string, unknown> | null;
  canceled_at: number | null;
  cancellation_reason: string | null;
  receipt_email: string | null;
  statement_descriptor: string | null;
  statement_descriptor_suffix: string | null;
  setup_future_usage: "off_session" | "on_session" | null;
  customer: string | null;
  /** Where a redirect-based 3-D Secure sends the customer back; not an API field of the object. */
  return_url: string | null;
}

export interface ChargeRecord extends Owned {
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  captured: boolean;
  currency: string;
  description: string | null;
  metadata: Record<string, string>;
  payment_intent: string;
  payment_method: string;
  status: "succeeded" | "failed";
  failure_code: string | null;
  failure_message: string | null;
  outcome: Record<string, unknown>;
  balance_transaction: string | null;
  refunds: string[];
  card: TestCard;
}

export interface RefundRecord extends Owned {
  amount: number;
  currency: string;
  charge: string;
  payment_intent: string;
  metadata: Record<string, string>;
  reason: string | null;
  status: "succeeded";
  balance_transaction: string;
}

export interface PaymentMethodRecord extends Owned {
  /** The test name it was made from (`pm_card_visa`); Stripe gives each use a fresh `pm_…` id. */
  test_name: string;
  card: TestCard;
}

export interface EventRecord extends Owned {
  type: string;
  api_version: string;
  /** The object as it was when the event happened: later changes do not reach an event already made. */
  object: Record<string, unknown>;
  previous_attributes: Record<string, unknown> | null;
  request: { id: string | null; idempotency_key: string | null };
}

export class Store {
  readonly paymentIntents = new Map<string, PaymentIntentRecord>();
  readonly charges = new Map<string, ChargeRecord>();
  readonly refunds = new Map<string, RefundRecord>();
  readonly paymentMethods = new Map<string, PaymentMethodRecord>();
  readonly events = new Map<string, EventRecord>();

  /** The record if `account` owns it; another account's object is as missing as one never made. */
  find<T extends Owned>(map: Map<string, T>, id: string, account: string): T | undefined {
    const record = map.get(id);
    return record && record.account === account ? record : undefined;
  }

  reset(): void {
    this.paymentIntents.clear();
    this.charges.clear();
    this.refunds.clear();
    this.paymentMethods.clear();
    this.events.clear();
  }
}
