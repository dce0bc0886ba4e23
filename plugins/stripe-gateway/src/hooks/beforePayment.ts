/** The spec's hook handler example: tags the payment and refuses amounts under $0.50. */
import type { HookHandler, PaymentHookData, PluginContext } from "@digital-commerce/plugin-sdk";

const handler: HookHandler<PaymentHookData> = async (context: PluginContext, data) => {
  // Add metadata to payment
  data.payment.metadata = {
    ...data.payment.metadata,
    processed_by: "my-plugin",
    timestamp: new Date().toISOString(),
  };

  // Validate payment
  if (data.payment.amount < 0.5) {
    throw new Error("Minimum payment is $0.50");
  }

  context.logger.debug("payment checked", { amount: data.payment.amount });
  return data.payment;
};

export default handler;
