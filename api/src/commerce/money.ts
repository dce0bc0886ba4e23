/**
 * Money as the commerce API keeps it: integers in the currency's minor units (ISO 4217's
 * exponent), so sums never drift and no provider is handed a major-unit float. The exponents
 * here only word messages ("670 (6.70 USD)"); stored and passed amounts are never converted.
 * Source: ISO 4217 (SIX, the maintenance agency), the same lists migration 0007 converted by.
 */

const ZERO_DECIMAL = new Set([
  "BIF",
  "CLP",
  "DJF",
  "GNF",
  "ISK",
  "JPY",
  "KMF",
  "KRW",
  "PYG",
  "RWF",
  "UGX",
  "UYI",
  "VND",
  "VUV",
  "XAF",
  "XOF",
  "XPF",
]);
const THREE_DECIMAL = new Set(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]);
const FOUR_DECIMAL = new Set(["CLF", "UYW"]);

/** How many decimals the currency's major unit has: 0 for JPY, 2 for USD, 3 for KWD. */
export function currencyExponent(currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return 0;
  if (THREE_DECIMAL.has(currency)) return 3;
  if (FOUR_DECIMAL.has(currency)) return 4;
  return 2;
}

/** An amount for a person to read, with its minor units beside it: "670 (6.70 USD)", "500 (500 JPY)". */
export function describeAmount(amount: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = amount < 0 ? "-" : "";
  const digits = String(Math.abs(amount)).padStart(exponent + 1, "0");
  const major = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return `${amount} (${sign}${major} ${currency})`;
}
