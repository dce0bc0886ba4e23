/** GET /sent?key=…: what the plugin sent (newest first), each e-mail with its recipients and their outcome. */
import type { PluginContext } from "@digital-commerce/plugin-sdk";

export default async function sentEndpoint(context: PluginContext, request: Request) {
  const key = new URL(request.url).searchParams.get("key");
  const where = key === null ? "" : "WHERE idempotency_key = ?";
  const params = key === null ? [] : [key];
  const emails = await context.db.query(
    `SELECT idempotency_key, message_id, subject, sent_at FROM sent_emails ${where} ORDER BY sent_at DESC LIMIT 100`,
    params,
  );
  const recipients = await context.db.query(
    `SELECT idempotency_key, address, status, reply FROM email_recipients ${where} ORDER BY address`,
    params,
  );
  return { emails, recipients };
}
