/** after_payment_success: the payment receipt, sent once per delivery (a failure to reach the server throws, so the delivery retries). */
import type { HookHandler, PaymentHookData } from "@digital-commerce/plugin-sdk";
import { sendPaymentReceipt } from "../notifications.ts";

const handler: HookHandler<PaymentHookData> = async (context, data) => {
  await sendPaymentReceipt(context, data);
};

export default handler;
