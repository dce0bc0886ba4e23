/**
 * The smallest payment worth taking, per currency, in minor units: Stripe's documented minimum
 * charge amounts ("Minimum and maximum charge amounts", https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts),
 * the strictest floor of the providers the platform ships, so a payment above it is one a provider
 * accepts. A currency outside the table gets USD 0.50 converted with the tenant's rates, rounded up:
 * a floor rounded down could let through a payment the provider refuses.
 *
 * Stripe applies its minimum in the account's settlement currency after conversion, so a payment
 * just above the floor in another currency may still be refused at charge time; that answer comes
 * from the provider.
 */
import { convert, type Rates } from "./convert.ts";
import { currencyCode } from "./currencies.ts";
import { MoneyError } from "./errors.ts";

/** Minor units, as Stripe's table lists them (USD $0.50 is 50; JPY ¥50 is 50; HUF 175.00 Ft is 17500). */
export const MINIMUM_CHARGE: Readonly<Record<string, number>> = {
  USD: 50,
  AED: 200,
  AUD: 50,
  BGN: 100,
  BRL: 50,
  CAD: 50,
  CHF: 50,
  CZK: 1500,
  DKK: 250,
  EUR: 50,
  GBP: 30,
  HKD: 400,
  HUF: 17500,
  INR: 50,
  JPY: 50,
  MXN: 1000,
  MYR: 200,
  NOK: 300,
  NZD: 50,
  PLN: 200,
  RON: 200,
  SEK: 300,
  SGD: 50,
  THB: 1000,
};

const FALLBACK = { currency: "USD", minor: 50 } as const;

/**
 * The minimum payment in `currency`, in its minor units.
 *
 * @example
 * minimumCharge("USD", new Map()); // 50: $0.50
 * minimumCharge("JPY", new Map()); // 50: ¥50
 * minimumCharge("KWD", parseRates({ USD: 1, KWD: 0.307 })); // 154: USD 0.50 is 0.1535 KWD, rounded up
 */
export function minimumCharge(currency: unknown, rates: Rates): number {
  const code = currencyCode(currency);
  const listed = MINIMUM_CHARGE[code];
  if (listed !== undefined) return listed;
  if (!rates.has(code) || !rates.has(FALLBACK.currency)) {
    throw new MoneyError(
      "MISSING_RATE",
      `currency: ${code} has no minimum charge of its own, and exchange_rates has no rate for ${rates.has(code) ? FALLBACK.currency : code} to derive one from USD 0.50`,
    );
  }
  return convert(FALLBACK.minor, FALLBACK.currency, code, rates, "ceiling");
}
