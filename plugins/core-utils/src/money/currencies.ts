/**
 * ISO 4217 minor units: how many decimal places each currency's smallest unit is below its major
 * unit (0 for JPY: ¥1 is the smallest amount; 3 for KWD: 1 fils is 0.001 dinar). Amounts travel as
 * integers of that smallest unit, so the exponent is what every conversion to and from a decimal
 * needs. Source: ISO 4217 list one (current currencies), "Minor unit" column, as published by the
 * maintenance agency (SIX): https://www.six-group.com/en/products-services/financial-information/data-standards.html
 */
import { MoneyError } from "./errors.ts";

/** The currencies whose minor unit is not the usual cent (two decimals). */
const EXPONENTS: Readonly<Record<string, number>> = {
  // zero decimals: the major unit is the smallest
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  // three decimals: dinars and rials of a thousand fils or baisa
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  // four decimals: units of account
  CLF: 4,
  UYW: 4,
};

/** Every other current ISO 4217 currency: two decimals. */
const TWO_DECIMALS = `AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
  CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
  GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD
  MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD
  RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD
  USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG`
  .split(/\s+/)
  .filter(Boolean);

const TABLE: ReadonlyMap<string, number> = new Map([
  ...TWO_DECIMALS.map((code) => [code, 2] as const),
  ...Object.entries(EXPONENTS),
]);

/** Codes ISO 4217 lists without a minor unit ("N.A."): metals, drawing rights, test codes. */
const NOT_MONEY = new Set(["XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"]);

/**
 * The currency's ISO 4217 code, upper-cased; refuses anything that is not a current currency.
 * Lower case is taken (payment providers answer `usd`), nothing else is guessed.
 *
 * @example
 * currencyCode("usd"); // "USD"
 * currencyCode("XYZ"); // throws MoneyError UNKNOWN_CURRENCY
 */
export function currencyCode(currency: unknown, field = "currency"): string {
  if (typeof currency !== "string" || !/^[A-Za-z]{3}$/.test(currency)) {
    throw new MoneyError(
      "INVALID_CURRENCY",
      `${field}: ${JSON.stringify(currency)} is not an ISO 4217 code (three letters, such as USD)`,
    );
  }
  const code = currency.toUpperCase();
  if (NOT_MONEY.has(code)) {
    throw new MoneyError(
      "UNKNOWN_CURRENCY",
      `${field}: ${code} has no minor unit in ISO 4217; it is not a currency to charge`,
    );
  }
  if (!TABLE.has(code)) {
    throw new MoneyError("UNKNOWN_CURRENCY", `${field}: ${code} is not a current ISO 4217 currency`);
  }
  return code;
}

/**
 * The number of decimal places of the currency's minor unit: 2 for USD (cents), 0 for JPY, 3 for KWD.
 *
 * @example
 * minorUnits("JPY"); // 0
 * minorUnits("KWD"); // 3
 */
export function minorUnits(currency: unknown): number {
  return TABLE.get(currencyCode(currency)) as number;
}
