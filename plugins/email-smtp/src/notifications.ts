/**
 * The store's notification e-mails from hook payloads: who gets it, the values each template fills
 * in (money written by core-utils, the store's name from the tenant), and the message, sent once per
 * delivery: the delivery's idempotency key is the message's, so a redelivered or replayed event sends
 * nothing again. The order and payment payloads carry no e-mail address of their own: the storefront
 * puts the customer's in `metadata.email`. Order lines carry the product's title as it was when ordered.
 */
import {
  failPermanently,
  type OrderHookData,
  type PaymentHookData,
  type PluginContext,
  type UserHookData,
} from "@digital-commerce/plugin-sdk";
import type {} from "../../core-utils/src/services.ts";
import { sendOnce } from "./mailer.ts";
import { MessageError } from "./mime.ts";
import { SmtpError } from "./smtp/session.ts";
import { escapeHtml, render, type TemplateKind, templateOf } from "./templates.ts";

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

function emailIn(metadata: Record<string, unknown> | undefined): string | null {
  const email = metadata?.email;
  return typeof email === "string" && EMAIL.test(email) ? email : null;
}

interface Filled {
  values: Record<string, string>;
  /** Markup built here from escaped values, for HTML bodies only. */
  html?: Record<string, string>;
  /** The text form of the same blocks. */
  text?: Record<string, string>;
}

async function notify(context: PluginContext, kind: TemplateKind, to: string | null, filled: Filled): Promise<void> {
  const delivery = context.delivery;
  if (!delivery) throw new Error(`the ${kind} e-mail is sent from a queued delivery, which this call is not`);
  if (!to) {
    context.logger.info(`no recipient address for the ${kind} e-mail; nothing to send`, { event: delivery.event_id });
    return;
  }
  const config = context.plugin.config;
  const values = { ...filled.values, ...filled.text };
  const result = await sendOnce(context, {
    to: [to],
    subject: render(templateOf(config, kind, "subject"), values, "text"),
    text: render(templateOf(config, kind, "text"), values, "text"),
    html: render(templateOf(config, kind, "html"), filled.values, "html", filled.html),
    idempotency_key: delivery.idempotency_key,
  }).catch((error: unknown) => {
    // refused credentials, a sender the server refuses, a message that cannot be composed: every retry
    // would fail alike, so the delivery is dead-lettered now, for the operator to fix the setting and replay
    if (error instanceof SmtpError && !error.temporary)
      failPermanently(error.code, error.message.slice(error.code.length + 2));
    if (error instanceof MessageError) failPermanently("MESSAGE_INVALID", error.message);
    throw error;
  });
  // every recipient refused: retrying will not change the server's mind, and the refusal is recorded
  if (!result.success) context.logger.error(`the ${kind} e-mail was not sent`, new Error(result.error.message));
}

export async function sendOrderConfirmation(context: PluginContext, data: OrderHookData): Promise<void> {
  const { order } = data;
  const money = context.plugins["core-utils"];
  const lines = await Promise.all(
    order.items.map(async (item) => ({
      // the title the line kept when the order was placed; a line without one (a hook added it) shows its SKU or id
      title: item.title ?? item.sku ?? item.product_id,
      quantity: String(item.quantity),
      price: await money.formatMoney(item.unit_price * item.quantity, order.currency),
    })),
  );
  const rows = lines
    .map(
      (l) =>
        `<tr><td>${escapeHtml(l.title)}</td><td style="text-align: right">${escapeHtml(l.quantity)}</td><td style="text-align: right">${escapeHtml(l.price)}</td></tr>`,
    )
    .join("\n");
  await notify(context, "order", emailIn(order.metadata), {
    values: {
      store_name: context.tenant.name,
      order_id: order.id ?? "",
      total: await money.formatMoney(order.total, order.currency),
    },
    html: {
      items: `<table>\n<tr><th>Item</th><th>Quantity</th><th>Price</th></tr>\n${rows}\n</table>`,
    },
    text: { items: lines.map((l) => `${l.quantity} × ${l.title}: ${l.price}`).join("\n") },
  });
}

export async function sendWelcome(context: PluginContext, data: UserHookData): Promise<void> {
  const { user } = data;
  await notify(context, "welcome", user.email, {
    values: { store_name: context.tenant.name, name: user.name ?? user.email, email: user.email },
  });
}

export async function sendPaymentReceipt(context: PluginContext, data: PaymentHookData): Promise<void> {
  const { payment } = data;
  const amount = payment.captured_amount ?? payment.amount;
  await notify(context, "receipt", emailIn(payment.metadata), {
    values: {
      store_name: context.tenant.name,
      payment_id: payment.id ?? "",
      order_id: payment.order_id ?? "",
      amount: await context.plugins["core-utils"].formatMoney(amount, payment.currency),
      method: payment.method ?? "card",
    },
  });
}
