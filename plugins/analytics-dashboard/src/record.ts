/**
 * trackEvent: each analytics event the plugin knows becomes the rows of the facts it states, keyed by
 * the event's id, so a redelivered event (the queue delivers at least once) inserts nothing.
 * Amounts stay integers in minor units beside their currency. Events it does not know are ignored.
 */
import type { EventData, PluginContext } from "@digital-commerce/plugin-sdk";

/** The storefront funnel's events and their step. */
const STEPS: Record<string, "viewed" | "checkout" | "completed"> = {
  product_viewed: "viewed",
  checkout_started: "checkout",
  order_completed: "completed",
};

const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const minor = (v: unknown): number | null => (Number.isSafeInteger(v) ? (v as number) : null);

async function sha256(value: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The event's id: the platform's, else the delivery's key, else a digest of the event itself
 * (a direct call repeated with the same event is still the same event).
 */
async function idOf(context: PluginContext, event: EventData): Promise<string> {
  return (
    event.id ??
    text(event.properties.event_id) ??
    context.delivery?.event_id ??
    `sha256:${await sha256(JSON.stringify([event.event, event.timestamp ?? null, event.properties, event.user_id ?? null]))}`
  );
}

export async function recordEvent(context: PluginContext, event: EventData): Promise<void> {
  const id = await idOf(context, event);
  const at = event.timestamp ? Date.parse(event.timestamp) : Date.now();
  const p = event.properties;
  const currency = text(p.currency)?.toUpperCase() ?? null;
  switch (event.event) {
    case "order_created": {
      const orderId = text(p.order_id);
      const total = minor(p.total);
      if (!orderId || total === null || !currency) return;
      const lines = Array.isArray(p.lines) ? p.lines : [];
      // the statements run together when the callback returns: an order is never half recorded
      await context.db.transaction(async (db) => {
        void db.query(
          "INSERT INTO orders (id, event_id, at, currency, total, customer_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
          [orderId, id, at, currency, total, event.user_id ?? null],
        );
        // one statement for every line: json_each reads them, so a large order needs no more parameters
        void db.query(
          `INSERT INTO order_lines (order_id, position, at, currency, product_id, quantity, amount)
           SELECT ?, CAST(l.key AS INTEGER), ?, ?, json_extract(l.value, '$.product_id'),
                  json_extract(l.value, '$.quantity'),
                  json_extract(l.value, '$.quantity') * json_extract(l.value, '$.unit_price')
             FROM json_each(?) AS l
            WHERE typeof(json_extract(l.value, '$.product_id')) = 'text'
              AND typeof(json_extract(l.value, '$.quantity')) = 'integer'
              AND typeof(json_extract(l.value, '$.unit_price')) = 'integer'
           ON CONFLICT (order_id, position) DO NOTHING`,
          [orderId, at, currency, JSON.stringify(lines)],
        );
        // a product this plugin never saw created (it was installed later) is named by the title its line kept;
        // a title from product_created/updated is newer, so it is never overwritten here
        void db.query(
          `INSERT INTO products (id, title)
           SELECT json_extract(l.value, '$.product_id'), json_extract(l.value, '$.title')
             FROM json_each(?) AS l
            WHERE typeof(json_extract(l.value, '$.product_id')) = 'text'
              AND typeof(json_extract(l.value, '$.title')) = 'text'
           ON CONFLICT (id) DO NOTHING`,
          [JSON.stringify(lines)],
        );
      });
      return;
    }
    case "payment_captured":
    case "payment_refunded": {
      const amount = minor(p.amount);
      if (amount === null || !currency) return;
      await context.db.query(
        "INSERT INTO money (event_id, kind, at, currency, amount, payment_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING",
        [id, event.event === "payment_captured" ? "captured" : "refunded", at, currency, amount, text(p.payment_id)],
      );
      return;
    }
    case "product_created":
    case "product_updated": {
      const productId = text(p.product_id);
      const title = text(p.title);
      if (!productId || !title) return;
      await context.db.query(
        "INSERT INTO products (id, title) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET title = excluded.title",
        [productId, title],
      );
      return;
    }
  }
  const step = STEPS[event.event];
  if (step) {
    // a visitor is a session when the storefront names one, else the signed-in user, else the event alone
    const visitor =
      event.session_id ?? text(p.session_id) ?? event.user_id ?? text(p.user_id) ?? text(p.order_id) ?? id;
    await context.db.query(
      "INSERT INTO storefront (event_id, step, at, visitor) VALUES (?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING",
      [id, step, at, visitor],
    );
  }
}
