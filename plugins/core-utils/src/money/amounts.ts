/**
 * Amounts as integers of the currency's minor unit, to and from exact decimal strings. Only string
 * arithmetic: a binary float cannot hold 0.1, so a decimal never passes through a `number` on its way
 * to an integer of cents (or yen, or fils).
 */
import { currencyCode, minorUnits } from "./currencies.ts";
import { MoneyError } from "./errors.ts";

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * An integer number of minor units, checked: `field` names the argument in the error.
 *
 * @example
 * checkMinor(1250); // 1250
 * checkMinor(12.5); // throws MoneyError INVALID_AMOUNT
 */
export function checkMinor(minor: unknown, field = "minor"): number {
  if (typeof minor !== "number" || !Number.isInteger(minor)) {
    throw new MoneyError(
      "INVALID_AMOUNT",
      `${field}: ${JSON.stringify(minor)} is not an integer number of minor units (1250 is $12.50)`,
    );
  }
  if (!Number.isSafeInteger(minor)) {
    throw new MoneyError(
      "OUT_OF_RANGE",
      `${field}: ${minor} is beyond ${Number.MAX_SAFE_INTEGER}, the largest exact integer`,
    );
  }
  return minor;
}

/** A bigint of minor units as a safe `number`, or OUT_OF_RANGE naming the field. */
export function toSafeNumber(value: bigint, field: string): number {
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  if (value > limit || value < -limit) {
    throw new MoneyError("OUT_OF_RANGE", `${field}: the result is beyond ${Number.MAX_SAFE_INTEGER} minor units`);
  }
  // -0 has no place in money
  return value === 0n ? 0 : Number(value);
}

/**
 * A decimal string in major units as an integer of minor units, exactly: "12.50" USD is 1250,
 * "1000" JPY is 1000, "1.250" KWD is 1250. More decimals than the currency has are refused unless
 * they are zeros ("12.500" USD is 1250: nothing is lost).
 *
 * @example
 * toMinor("0.30", "USD"); // 30, where Math.round((0.1 + 0.2) * 100) needs luck
 * toMinor("12.345", "USD"); // throws MoneyError TOO_MANY_DECIMALS
 */
export function toMinor(amount: unknown, currency: unknown): number {
  const code = currencyCode(currency);
  if (typeof amount !== "string") {
    throw new MoneyError(
      "INVALID_AMOUNT",
      `amount: must be a decimal string such as "12.50", not ${typeof amount}: a binary float cannot hold most decimals exactly`,
    );
  }
  const match = DECIMAL.exec(amount);
  if (!match) {
    throw new MoneyError(
      "INVALID_AMOUNT",
      `amount: ${JSON.stringify(amount)} is not a decimal such as "12.50" or "-3"`,
    );
  }
  const [, sign, whole = "", fraction = ""] = match;
  const exponent = minorUnits(code);
  if (/[^0]/.test(fraction.slice(exponent))) {
    throw new MoneyError(
      "TOO_MANY_DECIMALS",
      `amount: ${JSON.stringify(amount)} has ${fraction.length} decimals; ${code} has ${exponent}`,
    );
  }
  const digits = BigInt(whole + fraction.slice(0, exponent).padEnd(exponent, "0"));
  return toSafeNumber(sign ? -digits : digits, "amount");
}

/**
 * An integer of minor units as a decimal string in major units, with exactly the currency's decimals.
 *
 * @example
 * toMajorString(1250, "USD"); // "12.50"
 * toMajorString(1250, "JPY"); // "1250"
 * toMajorString(1250, "KWD"); // "1.250"
 */
export function toMajorString(minor: unknown, currency: unknown): string {
  const value = checkMinor(minor);
  const exponent = minorUnits(currency);
  const digits = String(Math.abs(value)).padStart(exponent + 1, "0");
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${value < 0 ? "-" : ""}${whole}${exponent > 0 ? `.${fraction}` : ""}`;
}
