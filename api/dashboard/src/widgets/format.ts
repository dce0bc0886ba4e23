/**
 * How a plugin's figures are shown: the UI tree names a format (a number, money in minor units of a
 * currency, a percentage of 1), never a format string, and the dashboard formats with Intl in the
 * operator's locale.
 */
import type { z } from "zod";
import type { uiComponentProps } from "../../../../sdk/src/ui/tree.ts";

export type NumberFormat = NonNullable<z.output<(typeof uiComponentProps)["Stat"]>["format"]>;

/** The currency's minor units (2 for EUR, 0 for JPY, 3 for KWD), as Intl knows them. */
function minorDigits(currency: string): number {
  return new Intl.NumberFormat(undefined, { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/**
 * Formats `value` as `format` says; `compact` is for axis ticks (1.2K, €3.4M).
 *
 * @example
 * formatNumber(123456, { style: "money", currency: "EUR" }); // "€1,234.56" in en-US
 */
export function formatNumber(value: number, format?: NumberFormat, compact = false): string {
  const notation = compact ? ("compact" as const) : undefined;
  switch (format?.style) {
    case "money": {
      const digits = minorDigits(format.currency);
      return new Intl.NumberFormat(undefined, { style: "currency", currency: format.currency, notation }).format(
        value / 10 ** digits,
      );
    }
    case "percent":
      return new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1, notation }).format(value);
    default:
      return new Intl.NumberFormat(undefined, { maximumFractionDigits: 2, notation }).format(value);
  }
}

/** A table cell or a data point as text: numbers formatted, booleans as yes/no, nothing as a dash. */
export function formatCell(value: unknown, format?: NumberFormat): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number") return formatNumber(value, format);
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}

/** A change against the previous period, signed: "+25%", "−3.5%", "0%". */
export function formatTrend(trend: number): string {
  const text = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 }).format(Math.abs(trend));
  return trend > 0 ? `+${text}` : trend < 0 ? `−${text}` : text;
}
