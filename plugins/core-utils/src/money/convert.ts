/**
 * Conversion between currencies from the tenant's rate table (core-utils' `exchange_rates` setting):
 * each rate is how many units of that currency one unit of a common base buys, `{"USD": 1, "EUR":
 * 0.92, "JPY": 150.3}`, so any two currencies in the table convert through the base. The arithmetic
 * is exact (each rate read as the decimal it is written as, then integer fractions) and the result
 * is rounded once, half to even, to the target's minor unit.
 */
import { checkMinor, toSafeNumber } from "./amounts.ts";
import { currencyCode, minorUnits } from "./currencies.ts";
import { MoneyError } from "./errors.ts";

/** A positive rate as an exact fraction. */
interface Rate {
  numerator: bigint;
  denominator: bigint;
}

/** Rates by upper-case ISO 4217 code. */
export type Rates = ReadonlyMap<string, Rate>;

const RATE = /^(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
const pow10 = (n: number) => 10n ** BigInt(n);

/** The decimal a rate is written as: a JSON number reads as its shortest spelling ("0.92", not 0.9200000000000000355). */
function rateOf(value: unknown, field: string): Rate {
  const text = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  const match = typeof text === "string" ? RATE.exec(text) : null;
  if (!match) {
    throw new MoneyError("INVALID_RATES", `${field}: ${JSON.stringify(value)} is not a positive number such as 0.92`);
  }
  const [, whole = "", fraction = "", exponent = "0"] = match;
  const scale = fraction.length - Number(exponent);
  const digits = BigInt(whole + fraction);
  if (digits === 0n) throw new MoneyError("INVALID_RATES", `${field}: a rate must be above 0`);
  return scale >= 0
    ? { numerator: digits, denominator: pow10(scale) }
    : { numerator: digits * pow10(-scale), denominator: 1n };
}

/**
 * Reads a rate table, refusing what is not one and naming the entry (`exchange_rates.EUR`).
 *
 * @example
 * const rates = parseRates({ USD: 1, EUR: 0.92, JPY: "150.3" });
 */
export function parseRates(table: unknown, field = "exchange_rates"): Rates {
  if (table === undefined || table === null) return new Map();
  if (typeof table !== "object" || Array.isArray(table)) {
    throw new MoneyError(
      "INVALID_RATES",
      `${field}: must be an object of currency codes to rates, such as {"USD": 1, "EUR": 0.92}`,
    );
  }
  const rates = new Map<string, Rate>();
  for (const [key, value] of Object.entries(table)) {
    const code = currencyCode(key, `${field}.${key}`);
    if (rates.has(code)) throw new MoneyError("INVALID_RATES", `${field}.${key}: ${code} is listed twice`);
    rates.set(code, rateOf(value, `${field}.${key}`));
  }
  return rates;
}

export type Rounding = "half-even" | "ceiling";

/** numerator / denominator (denominator > 0) to an integer, rounded as asked. */
function divide(numerator: bigint, denominator: bigint, rounding: Rounding): bigint {
  const quotient = numerator / denominator; // truncated toward zero
  const remainder = numerator % denominator;
  if (remainder === 0n) return quotient;
  const away = numerator < 0n ? quotient - 1n : quotient + 1n;
  if (rounding === "ceiling") return numerator < 0n ? quotient : quotient + 1n;
  const twice = 2n * (remainder < 0n ? -remainder : remainder);
  if (twice > denominator) return away;
  if (twice < denominator) return quotient;
  return quotient % 2n === 0n ? quotient : away;
}

function rateFor(rates: Rates, code: string, field: string): Rate {
  const rate = rates.get(code);
  if (!rate) {
    const listed = [...rates.keys()];
    throw new MoneyError(
      "MISSING_RATE",
      `${field}: exchange_rates has no rate for ${code}; it has ${listed.length > 0 ? listed.join(", ") : "none"}`,
    );
  }
  return rate;
}

/**
 * `minor` units of `from` in units of `to`, through the table's common base, rounded once.
 *
 * @example
 * const rates = parseRates({ USD: 1, EUR: 0.92, JPY: 150.3 });
 * convert(1000, "USD", "EUR", rates); // 920: $10.00 is €9.20
 * convert(1000, "USD", "JPY", rates); // 1503: $10.00 is ¥1,503
 */
export function convert(
  minor: unknown,
  from: unknown,
  to: unknown,
  rates: Rates,
  rounding: Rounding = "half-even",
): number {
  const amount = checkMinor(minor);
  const source = currencyCode(from, "from");
  const target = currencyCode(to, "to");
  if (source === target) return amount;
  const r1 = rateFor(rates, source, "from");
  const r2 = rateFor(rates, target, "to");
  // amount / 10^e1 [from] / r1 [base] * r2 [to] * 10^e2 [to minor]
  const numerator = BigInt(amount) * pow10(minorUnits(target)) * r2.numerator * r1.denominator;
  const denominator = pow10(minorUnits(source)) * r2.denominator * r1.numerator;
  return toSafeNumber(divide(numerator, denominator, rounding), "result");
}
