/**
 * Sending an EmailMessage exactly once per idempotency key. The Message-ID is derived from the key,
 * and what was sent is recorded in the plugin's own tables: a message whose key is recorded as sent
 * is not sent again (a redelivered event, a replayed dead letter, a retried call), the same result
 * is answered. One window is left: a crash after the server took the message and before the record
 * is written sends it again on the retry, with the same Message-ID, which lets mail clients and
 * archives recognise the copy.
 */
import {
  type EmailMessage,
  type EmailResult,
  emailMessageSchema,
  type PluginContext,
} from "@digital-commerce/plugin-sdk";
import { addressOf, composeMessage, MessageError } from "./mime.ts";
import { mailSettingsOf } from "./settings.ts";
import { sendMessage } from "./smtp/send.ts";

/** `<hex of SHA-256(key)>@<sender's domain>`: the same key always makes the same Message-ID. */
export async function messageIdOf(idempotencyKey: string, senderAddress: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`email-smtp:${idempotencyKey}`));
  const hex = [...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `<${hex}@${senderAddress.split("@")[1] ?? "localhost"}>`;
}

async function recorded(context: PluginContext, key: string): Promise<EmailResult | null> {
  const sent = await context.db.one("SELECT message_id FROM sent_emails WHERE idempotency_key = ?", [key]);
  if (!sent) return null;
  const rows = await context.db.query("SELECT address, status FROM email_recipients WHERE idempotency_key = ?", [key]);
  const with_ = (status: string) => rows.filter((r) => r.status === status).map((r) => String(r.address));
  const rejected = with_("refused");
  return {
    success: true,
    message_id: String(sent.message_id),
    accepted: with_("accepted"),
    ...(rejected.length ? { rejected } : {}),
  };
}

/**
 * Sends the message once for its idempotency key (a fresh key when it has none). Server down, a
 * temporary refusal or refused credentials throw an SmtpError (the caller's delivery retries); a
 * message the server refuses for every recipient answers a failure, recorded per recipient.
 */
export async function sendOnce(context: PluginContext, input: unknown): Promise<EmailResult> {
  const parsed = emailMessageSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MessageError(issue?.path.join(".") || "message", issue?.message ?? "is not an e-mail message");
  }
  const message: EmailMessage = parsed.data;
  const key = message.idempotency_key ?? crypto.randomUUID();
  const already = await recorded(context, key);
  if (already) {
    context.logger.info("already sent for this key; not sending again", {
      message_id: already.success ? already.message_id : null,
    });
    return already;
  }
  const settings = mailSettingsOf(context);
  const messageId = await messageIdOf(key, settings.senderAddress);
  const data = composeMessage(message, { from: message.from ?? settings.sender, messageId });
  const recipients = [...new Set([...message.to, ...message.cc, ...message.bcc].map(addressOf))];
  const from = message.from ? addressOf(message.from) : settings.senderAddress;
  const delivery = await sendMessage(settings.server, from, recipients, data);
  const at = new Date().toISOString();
  // one batch: the statements run together when the callback returns, so their promises are awaited after it
  const statements: Promise<unknown>[] = [];
  await context.db.transaction(async (db) => {
    for (const address of delivery.accepted) {
      statements.push(
        db.query(
          "INSERT OR REPLACE INTO email_recipients (idempotency_key, address, status, reply) VALUES (?, ?, 'accepted', ?)",
          [key, address, delivery.response],
        ),
      );
    }
    for (const r of delivery.rejected) {
      statements.push(
        db.query(
          "INSERT OR REPLACE INTO email_recipients (idempotency_key, address, status, reply) VALUES (?, ?, 'refused', ?)",
          [key, r.address, r.reply],
        ),
      );
    }
    // nothing sent (every recipient refused) is no sent e-mail: the refusals stay recorded, nothing else
    if (delivery.accepted.length > 0) {
      statements.push(
        db.query("INSERT INTO sent_emails (idempotency_key, message_id, subject, sent_at) VALUES (?, ?, ?, ?)", [
          key,
          messageId,
          message.subject,
          at,
        ]),
      );
    }
  });
  await Promise.all(statements);
  for (const r of delivery.rejected) context.logger.warn("recipient refused", { recipient: r.address, reply: r.reply });
  if (delivery.accepted.length === 0) {
    return {
      success: false,
      error: {
        code: "RECIPIENTS_REFUSED",
        message: `the server refused every recipient: ${delivery.rejected.map((r) => `${r.address} (${r.reply})`).join("; ")}`,
      },
    };
  }
  context.logger.info("sent", {
    message_id: messageId,
    accepted: delivery.accepted.length,
    refused: delivery.rejected.length,
  });
  return {
    success: true,
    message_id: messageId,
    accepted: delivery.accepted,
    ...(delivery.rejected.length ? { rejected: delivery.rejected.map((r) => r.address) } : {}),
  };
}
