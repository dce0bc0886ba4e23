/** after_user_create: the welcome e-mail, sent once per delivery (a failure to reach the server throws, so the delivery retries). */
import type { HookHandler, UserHookData } from "@digital-commerce/plugin-sdk";
import { sendWelcome } from "../notifications.ts";

const handler: HookHandler<UserHookData> = async (context, data) => {
  await sendWelcome(context, data);
};

export default handler;
