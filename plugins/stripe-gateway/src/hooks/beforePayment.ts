/**
 * The spec's before_payment_process handler: tags the payment and refuses one below Stripe's minimum
 * charge for its currency (USD 50 = $0.50, JPY 50, ...), which core-utils knows, with the minimum
 * written as the customer reads money ("Minimum payment is $0.50").
 */
import type { HookHandler, PaymentHookData } from "@digital-commerce/plugin-sdk";
import type {} from "../../../core-utils/src/services.ts";

const handler: HookHandler<PaymentHookData> = async (context, data) => {
  data.payment.metadata = {
    ...data.payment.metadata,
    processed_by: "stripe-gateway",
    timestamp: new Date().toISOString(),
  };
  const money = context.plugins["core-utils"];
  const minimum = await money.minimumCharge(data.payment.currency);
  if (data.payment.amount < minimum) {
    throw new Error(`Minimum payment is ${await money.formatMoney(minimum, data.payment.currency)}`);
  }
  context.logger.debug("payment checked", { amount: data.payment.amount, currency: data.payment.currency });
  return data.payment;
};

export default handler;
