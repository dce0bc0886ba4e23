/** Amounts for people to read: Intl.NumberFormat over the exact decimal, never over a float. */
import { toMajorString } from "./amounts.ts";
import { currencyCode, minorUnits } from "./currencies.ts";
import { MoneyError } from "./errors.ts";

function localeOf(locale: unknown): string {
  if (typeof locale !== "string") {
    throw new MoneyError(
      "INVALID_LOCALE",
      `locale: must be a BCP 47 language tag such as "en-US", not ${typeof locale}`,
    );
  }
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? "en-US";
  } catch {
    throw new MoneyError(
      "INVALID_LOCALE",
      `locale: ${JSON.stringify(locale)} is not a BCP 47 language tag such as "en-US"`,
    );
  }
}

/**
 * The amount as the locale writes money, with the currency's own number of decimals (ISO 4217's,
 * which the formatter is told explicitly: CLDR rounds some currencies differently for cash).
 *
 * @example
 * formatMoney(1250, "USD"); // "$12.50"
 * formatMoney(1000, "JPY"); // "¥1,000"
 * formatMoney(123456, "EUR", "de-DE"); // "1.234,56 €"
 */
export function formatMoney(minor: unknown, currency: unknown, locale: unknown = "en-US"): string {
  const code = currencyCode(currency);
  const tag = localeOf(locale);
  const exponent = minorUnits(code);
  const formatter = new Intl.NumberFormat(tag, {
    style: "currency",
    currency: code,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  });
  // a decimal string is formatted as the exact decimal it spells (ECMA-402, Intl.NumberFormat v3)
  return formatter.format(toMajorString(minor, code) as Intl.StringNumericLiteral);
}
