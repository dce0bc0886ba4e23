/**
 * core-utils' money helpers, and its services as a dependent reaches them: integer minor units per
 * ISO 4217, exact decimals (no float ever touches an amount), formatting, conversion from the
 * tenant's rate table and the minimum charge per currency. Runs in workerd (`npx vitest run plugins`).
 */
import { buildContext } from "@digital-commerce/plugin-sdk/runtime";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { manifest } from "../manifest.ts";
import plugin from "../plugin.ts";
import {
  convert,
  formatMoney,
  MINIMUM_CHARGE,
  minimumCharge,
  minorUnits,
  parseRates,
  toMajorString,
  toMinor,
} from "../src/money/index.ts";
import { services } from "../src/services.ts";

const RATES = parseRates({ USD: 1, EUR: 0.92, JPY: 150.3, KWD: 0.307 });
const NO_RATES = parseRates({});

describe("minor units (ISO 4217)", () => {
  const exponents: [string, number][] = [
    ...["JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF", "BIF", "PYG"].map((c): [string, number] => [c, 0]),
    ...["KWD", "BHD", "OMR", "JOD", "TND", "IQD", "LYD"].map((c): [string, number] => [c, 3]),
    ...["USD", "EUR", "GBP", "CHF", "INR", "MXN"].map((c): [string, number] => [c, 2]),
    ["CLF", 4],
  ];
  it.each(exponents)("%s has %i decimals", (currency, exponent) => {
    expect(minorUnits(currency)).toBe(exponent);
  });

  it("takes a lower-case code, as payment providers answer them", () => {
    expect(minorUnits("jpy")).toBe(0);
  });

  it.each([
    ["XYZ", "UNKNOWN_CURRENCY: currency: XYZ is not a current ISO 4217 currency"],
    ["XAU", "UNKNOWN_CURRENCY: currency: XAU has no minor unit in ISO 4217"],
    ["US", 'INVALID_CURRENCY: currency: "US" is not an ISO 4217 code'],
    [42, "INVALID_CURRENCY: currency: 42 is not an ISO 4217 code"],
  ])("refuses %j", (currency, message) => {
    expect(() => minorUnits(currency)).toThrow(message);
  });
});

describe("exact decimals", () => {
  it.each([
    ["12.50", "USD", 1250, "12.50"],
    ["0.01", "USD", 1, "0.01"],
    ["-3.20", "EUR", -320, "-3.20"],
    ["1000", "JPY", 1000, "1000"],
    ["1.250", "KWD", 1250, "1.250"],
    ["0.001", "KWD", 1, "0.001"],
    // trailing zeros lose nothing
    ["12.500", "USD", 1250, "12.50"],
    ["1000.00", "JPY", 1000, "1000"],
  ])("%s %s is %i minor units, and back %s", (amount, currency, minor, back) => {
    expect(toMinor(amount, currency)).toBe(minor);
    expect(toMajorString(minor, currency)).toBe(back);
  });

  it("charges JPY in yen, never a hundred times over", () => {
    expect(toMinor("500", "JPY")).toBe(500);
    expect(toMinor("5.00", "USD")).toBe(500);
    expect(toMinor("0.500", "KWD")).toBe(500);
  });

  it("adds 0.1 and 0.2 to exactly 0.30, where floats drift", () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(toMinor("0.1", "USD") + toMinor("0.2", "USD")).toBe(toMinor("0.3", "USD"));
    expect(toMajorString(toMinor("0.1", "USD") + toMinor("0.2", "USD"), "USD")).toBe("0.30");
  });

  it("round-trips every amount exactly, in every kind of currency", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        fc.constantFrom("USD", "JPY", "KWD", "CLF", "EUR", "KRW", "BHD"),
        (minor, currency) => toMinor(toMajorString(minor, currency), currency) === minor,
      ),
    );
  });

  it.each([
    ["12.345", "USD", 'TOO_MANY_DECIMALS: amount: "12.345" has 3 decimals; USD has 2'],
    ["10.5", "JPY", 'TOO_MANY_DECIMALS: amount: "10.5" has 1 decimals; JPY has 0'],
    ["1.2345", "KWD", 'TOO_MANY_DECIMALS: amount: "1.2345" has 4 decimals; KWD has 3'],
  ])("refuses %s %s: too many decimals", (amount, currency, message) => {
    expect(() => toMinor(amount, currency)).toThrow(message);
  });

  it.each([[12.5], ["12,50"], [" 12.50"], ["1e3"], [".5"], ["12."], [""]])("refuses %j as an amount", (amount) => {
    expect(() => toMinor(amount, "USD")).toThrow(/^INVALID_AMOUNT: amount: /);
  });

  it("refuses minor units that are not a safe integer", () => {
    expect(() => toMajorString(12.5, "USD")).toThrow(
      "INVALID_AMOUNT: minor: 12.5 is not an integer number of minor units",
    );
    expect(() => toMajorString(2 ** 53, "USD")).toThrow(/^OUT_OF_RANGE: minor: /);
    expect(() => toMinor("90071992547409.92", "USD")).toThrow(/^OUT_OF_RANGE: amount: /);
  });
});

describe("formatting", () => {
  it.each([
    [1250, "USD", "en-US", "$12.50"],
    [-5, "USD", "en-US", "-$0.05"],
    [1000, "JPY", "en-US", "¥1,000"],
    [1250, "KWD", "en-US", "KWD\u00a01.250"],
    [123456, "EUR", "de-DE", "1.234,56\u00a0€"],
    [1000, "JPY", "ja-JP", "￥1,000"],
  ])("%i %s in %s is %s", (minor, currency, locale, text) => {
    expect(formatMoney(minor, currency, locale)).toBe(text);
  });

  it("shows the currency's own decimals, even where the locale's cash rules round", () => {
    expect(formatMoney(1, "KWD")).toBe("KWD\u00a00.001");
    expect(formatMoney(150, "HUF", "hu-HU")).toBe("1,50\u00a0Ft");
  });

  it("refuses a locale that is not a language tag", () => {
    expect(() => formatMoney(1250, "USD", "not a locale!")).toThrow(/^INVALID_LOCALE: locale: "not a locale!"/);
  });
});

describe("conversion", () => {
  it("converts through the table's base, rounding once, half to even", () => {
    expect(convert(1000, "USD", "EUR", RATES)).toBe(920);
    // $12.50 is ¥1,878.75
    expect(convert(1250, "USD", "JPY", RATES)).toBe(1879);
    // ¥1,000 is €6.1210...
    expect(convert(1000, "JPY", "EUR", RATES)).toBe(612);
    // 1.250 KWD is $4.0716...
    expect(convert(1250, "KWD", "USD", RATES)).toBe(407);
    expect(convert(1250, "USD", "USD", RATES)).toBe(1250);
  });

  it("rounds a tie to the even neighbour", () => {
    const par = parseRates({ USD: 1, JPY: 1 });
    expect([50, 150, 250, -50, -150].map((cents) => convert(cents, "USD", "JPY", par))).toEqual([0, 2, 2, 0, -2]);
  });

  it("reads each rate as the decimal it is written as: no float drift", () => {
    const rates = parseRates({ USD: 0.1, EUR: 0.3, GBP: "0.2" });
    // in floats, 0.3 / 0.1 is 2.9999999999999996, and $1.00 truncates to €2.99
    expect(Math.trunc(100 * (0.3 / 0.1))).toBe(299);
    expect(convert(100, "USD", "EUR", rates)).toBe(300);
    expect(convert(100, "USD", "GBP", rates)).toBe(200);
    expect(convert(1, "USD", "JPY", parseRates({ USD: 1e-7, JPY: 1 }))).toBe(100000);
  });

  it("refuses a currency the table has no rate for, naming it", () => {
    expect(() => convert(1000, "USD", "GBP", RATES)).toThrow(
      "MISSING_RATE: to: exchange_rates has no rate for GBP; it has USD, EUR, JPY, KWD",
    );
    expect(() => convert(1000, "CHF", "USD", NO_RATES)).toThrow(
      "MISSING_RATE: from: exchange_rates has no rate for CHF; it has none",
    );
  });

  it.each([
    [{ EUR: -1 }, "INVALID_RATES: exchange_rates.EUR: -1 is not a positive number"],
    [{ EUR: 0 }, "INVALID_RATES: exchange_rates.EUR: a rate must be above 0"],
    [{ EUR: "abc" }, 'INVALID_RATES: exchange_rates.EUR: "abc" is not a positive number'],
    [{ ZZZ: 1 }, "UNKNOWN_CURRENCY: exchange_rates.ZZZ: ZZZ is not a current ISO 4217 currency"],
    [{ eur: 1, EUR: 1 }, "INVALID_RATES: exchange_rates.EUR: EUR is listed twice"],
    [[1, 2], "INVALID_RATES: exchange_rates: must be an object of currency codes to rates"],
  ])("refuses the rate table %j, naming the entry", (table, message) => {
    expect(() => parseRates(table)).toThrow(message);
  });
});

describe("minimum charge", () => {
  it.each([
    ["USD", 50],
    ["EUR", 50],
    ["GBP", 30],
    ["JPY", 50],
    ["HUF", 17500],
    ["MXN", 1000],
  ])("is %s %i minor units, as Stripe documents it", (currency, minor) => {
    expect(minimumCharge(currency, NO_RATES)).toBe(minor);
  });

  it("is USD 0.50 converted and rounded up for a currency outside the table", () => {
    // 0.50 × 0.307 = 0.1535 KWD: 154 fils, not 153 below the floor
    expect(minimumCharge("KWD", RATES)).toBe(154);
    expect(Object.keys(MINIMUM_CHARGE)).not.toContain("KWD");
  });

  it("refuses a currency outside the table without a rate to derive it from", () => {
    expect(() => minimumCharge("KWD", NO_RATES)).toThrow(
      "MISSING_RATE: currency: KWD has no minimum charge of its own, and exchange_rates has no rate for KWD",
    );
  });
});

describe("the services a dependent calls", () => {
  /** core-utils' own context for one tenant, as its isolate builds it, with this tenant's settings. */
  const contextWith = (config: Record<string, unknown>) =>
    buildContext({}, manifest, {
      tenant: { id: "tenant_1", slug: "shop", name: "Shop", settings: {} },
      plugin: { id: "core-utils@1.3.0", slug: "core-utils", version: "1.3.0", config },
    }).context;

  it("convert with the tenant's exchange_rates setting of core-utils", () => {
    const context = contextWith({ exchange_rates: { USD: 1, EUR: 0.92 } });
    expect(services.convert(context, 1000, "USD", "EUR")).toBe(920);
    expect(services.minimumCharge(context, "EUR")).toBe(50);
    expect(services.formatMoney(context, 920, "EUR")).toBe("€9.20");
    expect(services.toMinor(context, "9.20", "EUR")).toBe(920);
    expect(services.toMajorString(context, 920, "EUR")).toBe("9.20");
    expect(services.minorUnits(context, "KWD")).toBe(3);
  });

  it("refuse activation with a rate table that does not read, naming the entry", () => {
    expect(() => plugin.onActivate?.(contextWith({ exchange_rates: { USD: 1, EUR: "lots" } }))).toThrow(
      'INVALID_RATES: exchange_rates.EUR: "lots" is not a positive number',
    );
    expect(() => plugin.onActivate?.(contextWith({ exchange_rates: {} }))).not.toThrow();
  });

  it("declares the rate table a setting of its own, empty by default", () => {
    expect(manifest.version).toBe("1.3.0");
    expect(manifest.settings_schema.exchange_rates).toMatchObject({ type: "json", default: {} });
    expect(manifest.hooks.map((h) => h.handler)).toEqual(["src/hooks/normalizeProduct.ts"]);
  });
});
