/**
 * Amounts the way Stripe takes them: integers in the currency's minor unit, never converted.
 * Decimals and limits per https://docs.stripe.com/currencies: zero-decimal currencies (¥500 is
 * `amount=500`), three-decimal ones (KWD 1.230 is `amount=1230`, last digit 0), the minimum charge
 * amounts of Stripe's published table, and the eight-digit maximum.
 */
import { invalidParam, type StripeApiError } from "./errors.ts";

const ZERO_DECIMAL = new Set([
  "bif",
  "clp",
  "djf",
  "gnf",
  "jpy",
  "kmf",
  "krw",
  "mga",
  "pyg",
  "rwf",
  "ugx",
  "vnd",
  "vuv",
  "xaf",
  "xof",
  "xpf",
]);

const THREE_DECIMAL = new Set(["bhd", "jod", "kwd", "omr", "tnd"]);

/**
 * Stripe's "Minimum and maximum charge amounts" table, in minor units. Other currencies have no fixed
 * minimum: Stripe converts them to the account's settlement currency at the day's rate, which a local
 * peer cannot know, so for those only `amount >= 1` is enforced.
 */
export const MINIMUM_CHARGE: Readonly<Record<string, number>> = {
  usd: 50,
  aed: 200,
  aud: 50,
  bgn: 100,
  brl: 50,
  cad: 50,
  chf: 50,
  czk: 1500,
  dkk: 250,
  eur: 50,
  gbp: 30,
  hkd: 400,
  huf: 17500,
  inr: 50,
  jpy: 50,
  mxn: 1000,
  myr: 200,
  nok: 300,
  nzd: 50,
  pln: 200,
  ron: 200,
  sek: 300,
  sgd: 50,
  thb: 1000,
};

/** "The amount value supports up to eight digits" in every currency. */
export const MAXIMUM_AMOUNT = 99_999_999;

export function decimalsOf(currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return 0;
  if (THREE_DECIMAL.has(currency)) return 3;
  return 2;
}

/** "$0.50", "¥50", "KWD 1.230": from the integer, by string, so no float ever touches the amount. */
export function formatAmount(amount: number, currency: string): string {
  const decimals = decimalsOf(currency);
  const digits = String(Math.abs(amount)).padStart(decimals + 1, "0");
  const major = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  const format = new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: currency.toUpperCase(),
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
  // Intl formats a decimal string exactly (no binary rounding)
  return format.format(`${amount < 0 ? "-" : ""}${major}` as `${number}`);
}

/** Stripe takes currency codes in any case and answers in lower case. */
export function normalizeCurrency(raw: string): string | StripeApiError {
  const currency = raw.toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) return invalidParam("currency", `Invalid currency: ${raw}.`);
  return currency;
}

/** The checks Stripe makes on a charge amount; `param` is the field the amount came in. */
export function checkChargeAmount(amount: number, currency: string, param = "amount"): StripeApiError | null {
  const minimum = MINIMUM_CHARGE[currency] ?? 1;
  if (amount < minimum) {
    return minimum === 1
      ? invalidParam(param, "This value must be greater than or equal to 1.", "parameter_invalid_integer")
      : invalidParam(
          param,
          `Amount must be at least ${formatAmount(minimum, currency)} ${currency}`,
          "amount_too_small",
        );
  }
  if (amount > MAXIMUM_AMOUNT) {
    return invalidParam(
      param,
      `Amount must be no more than ${formatAmount(MAXIMUM_AMOUNT, currency)}`,
      "amount_too_large",
    );
  }
  if (THREE_DECIMAL.has(currency) && amount % 10 !== 0) {
    return invalidParam(
      param,
      `Invalid amount: ${amount}. Amounts in ${currency} (a three-decimal currency) must end in 0 ` +
        "(round to the nearest ten), so that they can be processed by Stripe's payment partners.",
    );
  }
  return null;
}
