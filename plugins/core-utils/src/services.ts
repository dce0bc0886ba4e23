/**
 * core-utils' services: the money helpers its dependents call through
 * `context.plugins["core-utils"]`, each running here, in core-utils' own isolate, with core-utils'
 * own context (so `convert` reads this tenant's `exchange_rates` setting of core-utils). Amounts are
 * integers of the currency's minor unit throughout.
 *
 * A dependent gets the types with a type-only import, erased when it is bundled:
 *   import type {} from "../../core-utils/src/services.ts";
 */
import type { PluginContext, PluginServices } from "@digital-commerce/plugin-sdk";
import {
  convert,
  formatMoney,
  minimumCharge,
  minorUnits,
  parseRates,
  type Rates,
  toMajorString,
  toMinor,
} from "./money/index.ts";

/** This tenant's rate table: core-utils' `exchange_rates` setting, checked entry by entry. */
export const ratesOf = (context: PluginContext): Rates => parseRates(context.plugin.config.exchange_rates);

export const services = {
  /** The number of decimals of the currency's minor unit: 2 for USD, 0 for JPY, 3 for KWD. */
  minorUnits: (_context, currency: string): number => minorUnits(currency),
  /** An exact decimal string in major units as minor units: ("12.50", "USD") is 1250. */
  toMinor: (_context, amount: string, currency: string): number => toMinor(amount, currency),
  /** Minor units as an exact decimal string: (1250, "KWD") is "1.250". */
  toMajorString: (_context, minor: number, currency: string): string => toMajorString(minor, currency),
  /** Minor units as the locale writes money (en-US by default): (1250, "USD") is "$12.50". */
  formatMoney: (_context, minor: number, currency: string, locale?: string): string =>
    formatMoney(minor, currency, locale ?? "en-US"),
  /** Minor units of `from` in minor units of `to`, with the tenant's rates, rounded half to even. */
  convert: (context, minor: number, from: string, to: string): number => convert(minor, from, to, ratesOf(context)),
  /** The smallest payment worth taking in the currency, in its minor units: USD 50 ($0.50). */
  minimumCharge: (context, currency: string): number => minimumCharge(currency, ratesOf(context)),
} satisfies PluginServices;

declare module "@digital-commerce/plugin-sdk" {
  interface PluginServiceRegistry {
    "core-utils": typeof services;
  }
}
