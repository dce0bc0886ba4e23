/**
 * email-smtp's EmailPlugin methods. `sendEmail` sends once per idempotency key (src/mailer.ts): a
 * server that is down, refuses for now, or refuses the credentials throws, naming what to fix, so the
 * caller's delivery retries; a server that refuses every recipient answers a failure.
 */
import type { PluginImplementation } from "@digital-commerce/plugin-sdk";
import { sendOnce } from "./src/mailer.ts";
import { mailSettingsOf } from "./src/settings.ts";
import { checkServer } from "./src/smtp/send.ts";

const plugin: PluginImplementation<"email"> = {
  async sendEmail(context, message) {
    return await sendOnce(context, message);
  },

  /** Greets the server and logs in when credentials are set: true when both work. */
  async verifyConnection(context) {
    try {
      await checkServer(mailSettingsOf(context).server);
      return true;
    } catch (error) {
      context.logger.warn("the SMTP server cannot be used with these settings", { error: (error as Error).message });
      return false;
    }
  },
};

export default plugin;
