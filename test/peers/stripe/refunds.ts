/**
 * Refunds of a captured Charge, named by its PaymentIntent or by the Charge: without `amount` the rest
 * is refunded, partial refunds add up on the Charge's `amount_refunded`, and a Charge refunded in full
 * answers Stripe's `charge_already_refunded`. https://docs.stripe.com/api/refunds/create
 */
import { z } from "zod";
import { formatAmount } from "./currency.ts";
import { invalidParam, invalidRequest, resourceMissing } from "./errors.ts";
import { type OperationContext, recordEvent } from "./events.ts";
import { newId, nowSeconds } from "./ids.ts";
import { chargeObject, refundObject } from "./objects.ts";
import { integer, mergeMetadata, metadata, oneOf, text, textList } from "./params.ts";
import type { ChargeRecord, RefundRecord } from "./store.ts";

export const refundParams = z.strictObject({
  amount: integer().optional(),
  charge: text().optional(),
  expand: textList().optional(),
  metadata: metadata().optional(),
  payment_intent: text().optional(),
  reason: oneOf(["duplicate", "fraudulent", "requested_by_customer"] as const).optional(),
});

export type RefundParams = z.output<typeof refundParams>;

/** The Charge the refund is of: the one a PaymentIntent captured, or the one named. */
function chargeToRefund(ctx: OperationContext, params: RefundParams): ChargeRecord {
  const { store, account } = ctx;
  if (params.charge && params.payment_intent) {
    throw invalidParam("charge", "You may only specify one of these parameters: charge, payment_intent.");
  }
  if (params.payment_intent) {
    const pi = store.find(store.paymentIntents, params.payment_intent, account);
    if (!pi) throw resourceMissing("payment_intent", params.payment_intent, "payment_intent");
    const charge = pi.latest_charge ? store.charges.get(pi.latest_charge) : undefined;
    if (pi.status === "requires_capture") {
      throw invalidRequest(
        `This PaymentIntent (${pi.id}) has not been captured: cancel it to release the authorization, or capture it first.`,
        { param: "payment_intent" },
      );
    }
    if (pi.status !== "succeeded" || !charge) {
      throw invalidRequest(`This PaymentIntent (${pi.id}) does not have a successful charge to refund.`, {
        param: "payment_intent",
      });
    }
    return charge;
  }
  if (params.charge) {
    const charge = store.find(store.charges, params.charge, account);
    if (!charge) throw resourceMissing("charge", params.charge, "charge");
    if (charge.status !== "succeeded" || !charge.captured) {
      throw invalidRequest(`Charge ${charge.id} has no captured payment to refund.`, { param: "charge" });
    }
    return charge;
  }
  throw invalidParam(
    "payment_intent",
    "One of the following params should be provided for this request: payment_intent or charge.",
    "parameter_missing",
  );
}

export function createRefund(ctx: OperationContext, params: RefundParams): RefundRecord {
  const charge = chargeToRefund(ctx, params);
  const remaining = charge.amount_captured - charge.amount_refunded;
  if (remaining <= 0) {
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: "charge_already_refunded" });
  }
  const amount = params.amount ?? remaining;
  if (amount < 1) {
    throw invalidParam("amount", "This value must be greater than or equal to 1.", "parameter_invalid_integer");
  }
  if (amount > remaining) {
    const asked = formatAmount(amount, charge.currency);
    throw invalidRequest(
      charge.amount_refunded === 0
        ? `Refund amount (${asked}) is greater than charge amount (${formatAmount(charge.amount_captured, charge.currency)})`
        : `Refund amount (${asked}) is greater than unrefunded amount on charge (${formatAmount(remaining, charge.currency)})`,
      { param: "amount" },
    );
  }
  return issueRefund(ctx, charge, amount, params.reason ?? null, params.metadata ?? {});
}

/** Records a refund of `amount` on `charge` and tells the webhook endpoint (also used when canceling an authorization). */
export function issueRefund(
  ctx: OperationContext,
  charge: ChargeRecord,
  amount: number,
  reason: string | null,
  metadataChanges: Record<string, string | null>,
): RefundRecord {
  const refund: RefundRecord = {
    id: newId("re"),
    account: ctx.account,
    created: nowSeconds(),
    amount,
    currency: charge.currency,
    charge: charge.id,
    payment_intent: charge.payment_intent,
    metadata: {},
    reason,
    status: "succeeded",
    balance_transaction: newId("txn"),
  };
  mergeMetadata(refund.metadata, metadataChanges);
  ctx.store.refunds.set(refund.id, refund);
  const before = chargeObject(charge, ctx.store);
  charge.amount_refunded += amount;
  charge.refunds.push(refund.id);
  recordEvent(ctx, "refund.created", refundObject(refund, ctx.store));
  recordEvent(ctx, "charge.refunded", chargeObject(charge, ctx.store), {
    amount_refunded: before.amount_refunded,
    refunded: before.refunded,
  });
  return refund;
}
