/**
 * email-smtp: e-mail over SMTP through `cloudflare:sockets` and the platform's sockets permission, with
 * the store's order confirmation, welcome and payment receipt e-mails sent from the notification
 * hooks, exactly once per delivery. TLS to the server is the platform's (the address's scheme says
 * which); money is written by the dependency core-utils.
 */
import { createEmailPlugin, type SettingSpecInput } from "@digital-commerce/plugin-sdk";
import {
  defaultTemplates,
  placeholders,
  type TemplateKind,
  type TemplatePart,
  templateKinds,
  templateParts,
  templatePattern,
  templateSetting,
} from "./src/templates.ts";

const kindLabels: Record<TemplateKind, string> = {
  order: "Order confirmation",
  welcome: "Welcome e-mail",
  receipt: "Payment receipt",
};
const partLabels: Record<TemplatePart, string> = { subject: "subject", html: "HTML body", text: "text body" };

/** One setting per template part, each checked when saved against the placeholders its kind has. */
const templateSettings = templateKinds.flatMap((kind) =>
  templateParts.map((part): [string, SettingSpecInput] => [
    templateSetting(kind, part),
    {
      type: "string",
      label: `${kindLabels[kind]}: ${partLabels[part]}`,
      description: `Leave empty for the default. Placeholders: ${placeholders[kind].map((p) => `{{${p}}}`).join(", ")}. Default: ${JSON.stringify(defaultTemplates[kind][part].slice(0, 60))}…`,
      max: part === "subject" ? 200 : 50_000,
      pattern: templatePattern(kind, part),
    },
  ]),
);

let builder = createEmailPlugin("SMTP Email", "email-smtp")
  .version("1.0.0")
  .description(
    "E-mail over SMTP (AUTH PLAIN/LOGIN, STARTTLS or implicit TLS run by the platform): order confirmations, welcome e-mails and payment receipts from the store's events, exactly one per event, with templates each store may override.",
  )
  .author("Digital Commerce")
  .homepage("https://www.rfc-editor.org/rfc/rfc5321")
  .dependency("core-utils", "^1.3.0")
  .hook("after_order_complete", "src/hooks/orderComplete.ts")
  .hook("after_user_create", "src/hooks/userCreate.ts")
  .hook("after_payment_success", "src/hooks/paymentSuccess.ts")
  .apiEndpoint("GET", "/sent", "src/api/sent.ts")
  .setting("smtp_server", {
    type: "url",
    label: "SMTP server",
    description:
      "starttls://smtp.example.com:587 (STARTTLS), tls://smtp.example.com:465 (implicit TLS) or plain://host:port (no encryption: a relay on a trusted network only). The platform runs the TLS; port 25 is blocked.",
    required: true,
    socket: ["starttls", "tls", "plain"],
  })
  .setting("smtp_user", {
    type: "string",
    label: "SMTP user",
    description: "The user name for SMTP AUTH; leave empty for a server that takes mail without it.",
    max: 320,
    pattern: "^[^\\r\\n\\x00]*$",
  })
  .setting("smtp_password", {
    type: "string",
    label: "SMTP password",
    description: "The password for SMTP AUTH (an app password or API key at most providers).",
    sensitive: true,
    max: 1_000,
    pattern: "^[^\\r\\n\\x00]*$",
  })
  .setting("sender", {
    type: "email",
    label: "Sender address",
    description: "The From address of every e-mail; the server must let the SMTP user send as it.",
    required: true,
  })
  .setting("sender_name", {
    type: "string",
    label: "Sender name",
    description: "The name shown with the sender address; the store's name when left empty.",
    max: 200,
    pattern: "^[^\\r\\n]*$",
  });
for (const [key, spec] of templateSettings) builder = builder.setting(key, spec);

export const manifest = builder
  .permission({ capabilities: ["db", "logger"] })
  .migration(
    "0001_sent_emails",
    `CREATE TABLE sent_emails (
       idempotency_key TEXT PRIMARY KEY,
       message_id TEXT NOT NULL,
       subject TEXT NOT NULL,
       sent_at TEXT NOT NULL
     )`,
  )
  .migration(
    "0002_email_recipients",
    `CREATE TABLE email_recipients (
       idempotency_key TEXT NOT NULL,
       address TEXT NOT NULL,
       status TEXT NOT NULL,
       reply TEXT,
       PRIMARY KEY (idempotency_key, address)
     )`,
  )
  .build();
