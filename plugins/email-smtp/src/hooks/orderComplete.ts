/** after_order_complete: the order confirmation, sent once per delivery (a failure to reach the server throws, so the delivery retries). */
import type { HookHandler, OrderHookData } from "@digital-commerce/plugin-sdk";
import { sendOrderConfirmation } from "../notifications.ts";

const handler: HookHandler<OrderHookData> = async (context, data) => {
  await sendOrderConfirmation(context, data);
};

export default handler;
