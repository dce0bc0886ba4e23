/**
 * The plugin's own record of the intents it saw, for the revenue widget: one row per intent with what
 * Stripe last said it captured and refunded. Written on every state the plugin reports, idempotently.
 */
import type { PaymentUpdate, PluginContext } from "@digital-commerce/plugin-sdk";

export async function remember(context: PluginContext, update: PaymentUpdate, currency: string): Promise<void> {
  await context.db.query(
    `INSERT INTO payment_intents (id, payment_id, currency, status, captured, refunded, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status,
       payment_id = COALESCE(excluded.payment_id, payment_id),
       captured = MAX(captured, excluded.captured), refunded = MAX(refunded, excluded.refunded),
       updated_at = excluded.updated_at`,
    [
      update.transaction_id,
      update.payment_id ?? null,
      currency.toUpperCase(),
      update.status,
      update.captured_amount ?? 0,
      update.refunded_amount ?? 0,
      new Date().toISOString(),
    ],
  );
}

export interface RevenueRow {
  day: string;
  currency: string;
  captured: number;
  refunded: number;
  net: number;
  payments: number;
}

/** Captured less refunded, per day and currency (minor units), newest day first. */
export async function revenue(context: PluginContext, days: number): Promise<RevenueRow[]> {
  const since = new Date(Date.now() - days * 86_400_000).toISOString();
  const rows = await context.db.query(
    `SELECT substr(updated_at, 1, 10) AS day, currency, SUM(captured) AS captured, SUM(refunded) AS refunded,
            COUNT(*) AS payments
       FROM payment_intents WHERE captured > 0 AND updated_at >= ?
      GROUP BY day, currency ORDER BY day DESC, currency`,
    [since],
  );
  return rows.map((r) => ({
    day: String(r.day),
    currency: String(r.currency),
    captured: Number(r.captured),
    refunded: Number(r.refunded),
    net: Number(r.captured) - Number(r.refunded),
    payments: Number(r.payments),
  }));
}
