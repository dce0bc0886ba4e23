/** Money in integer minor units: ISO 4217 exponents, exact decimals, formatting, conversion, minimum charges. */
export { checkMinor, toMajorString, toMinor } from "./amounts.ts";
export { convert, parseRates, type Rates, type Rounding } from "./convert.ts";
export { currencyCode, minorUnits } from "./currencies.ts";
export { MoneyError, type MoneyErrorCode } from "./errors.ts";
export { formatMoney } from "./format.ts";
export { MINIMUM_CHARGE, minimumCharge } from "./minimum-charge.ts";
