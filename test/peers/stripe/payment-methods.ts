/**
 * PaymentMethods: a `pm_card_*` test name becomes a fresh `pm_…` of this account each time it is used
 * (as Stripe does, so a PaymentIntent never shows `pm_card_visa` back); a `pm_…` made earlier is reused.
 */
import { invalidRequest, type StripeApiError } from "./errors.ts";
import type { OperationContext } from "./events.ts";
import { newId, nowSeconds } from "./ids.ts";
import type { PaymentMethodRecord } from "./store.ts";
import { TEST_PAYMENT_METHODS } from "./test-cards.ts";

export function resolvePaymentMethod(ctx: OperationContext, id: string): PaymentMethodRecord | StripeApiError {
  const card = TEST_PAYMENT_METHODS[id];
  if (card) {
    const pm: PaymentMethodRecord = {
      id: newId("pm"),
      account: ctx.account,
      created: nowSeconds(),
      test_name: id,
      card,
    };
    ctx.store.paymentMethods.set(pm.id, pm);
    return pm;
  }
  const known = ctx.store.find(ctx.store.paymentMethods, id, ctx.account);
  if (known) return known;
  return invalidRequest(`No such PaymentMethod: '${id}'`, { param: "payment_method", code: "resource_missing" });
}
