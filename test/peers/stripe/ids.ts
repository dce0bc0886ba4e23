/** Object ids shaped like Stripe's (`pi_3Q…`, `ch_3Q…`, `evt_…`, `req_…`) and PaymentIntent client secrets. */

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function random(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join("");
}

export type IdPrefix = "pi" | "ch" | "re" | "pm" | "evt" | "req" | "src" | "txn";

/** A fresh id: the prefix, then 24 base-62 characters (Stripe's object ids are this long). */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${random(24)}`;
}

/** `pi_…_secret_…`: Stripe's client secret embeds the PaymentIntent id. */
export function clientSecret(paymentIntentId: string): string {
  return `${paymentIntentId}_secret_${random(25)}`;
}

/** Unix seconds, the unit of every `created` in the API. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
