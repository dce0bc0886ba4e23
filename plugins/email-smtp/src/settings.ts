/**
 * The tenant's SMTP settings as the sender needs them. The platform validated each value when it was
 * saved; this reads them once more at the boundary, so a value that is missing (activation demands
 * the required ones, but a default can be cleared) fails with the setting's name.
 */
import { type EmailAddress, type PluginContext, socketAddressOf } from "@digital-commerce/plugin-sdk";
import type { SmtpServer } from "./smtp/send.ts";

export class SettingError extends Error {
  readonly code = "INVALID_CONFIGURATION";
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`setting ${setting}: ${message}`);
    this.name = "SettingError";
  }
}

export interface MailSettings {
  server: SmtpServer;
  sender: EmailAddress;
  senderAddress: string;
}

const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);

export function mailSettingsOf(context: PluginContext): MailSettings {
  const config = context.plugin.config;
  const address = text(config.smtp_server);
  if (!address) throw new SettingError("smtp_server", "is not set; give the server as starttls://host:587");
  const parsed = socketAddressOf(address);
  if (parsed.problem !== undefined) throw new SettingError("smtp_server", parsed.problem);
  const sender = text(config.sender);
  if (!sender) throw new SettingError("sender", "is not set; give the address e-mails are sent from");
  const user = text(config.smtp_user);
  const password = text(config.smtp_password);
  if (user && !password) throw new SettingError("smtp_password", "is not set, but smtp_user is");
  const name = text(config.sender_name) ?? context.tenant.name;
  return {
    server: {
      host: parsed.grant.host,
      port: parsed.grant.port,
      clientName: sender.split("@")[1] ?? "localhost",
      ...(user ? { user, password } : {}),
    },
    sender: name ? { email: sender, name } : sender,
    senderAddress: sender,
  };
}
