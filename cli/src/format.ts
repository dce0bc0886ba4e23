/** Small pieces of human output shared by the operations commands. */
import type { Permissions } from "./api.ts";
import { CliError } from "./errors.ts";

/** `network: api.stripe.com; capabilities: http, logger`, or `none`. */
export function permissionsText(p: Permissions): string {
  const parts = [
    ...(p.network.length > 0 ? [`network: ${p.network.join(", ")}`] : []),
    ...(p.capabilities.length > 0 ? [`capabilities: ${p.capabilities.join(", ")}`] : []),
  ];
  return parts.length > 0 ? parts.join("; ") : "none";
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return "-";
  return `${Math.round(value * 10) / 10} ms`;
}

/** An ISO time as `2026-11-26 10:16:55` (UTC, as the platform stores it). */
export function time(iso: string | null | undefined): string {
  if (!iso) return "-";
  return iso.replace("T", " ").replace(/\.\d+Z$|Z$/, "");
}

export function truncate(text: string | null | undefined, max = 60): string {
  if (!text) return "";
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export const path = (...segments: string[]) => segments.map(encodeURIComponent).join("/");

/**
 * The platform's messages name its HTTP API (`pass cascade=true`, `PUT .../config`); from the CLI the
 * same advice is a flag or a command.
 */
export function inCliTerms(error: unknown): unknown {
  if (!(error instanceof CliError)) return error;
  const message = error.message
    .replace(/pass cascade=true/g, "pass --cascade")
    .replace(/allow install_dependencies/g, "leave out --no-dependencies")
    .replace(
      /needs ((?:config\.[\w-]+(?:, )?)+)(.*?); set (?:it|them) with PUT \/api\/admin\/plugins\/([^/\s]+)\/config/g,
      (_m, needed: string, why: string, slug: string) => {
        const keys = needed.split(", ").map((k) => k.replace(/^config\./, ""));
        return `needs ${needed}${why}; set ${keys.length === 1 ? "it" : "them"} with admin-cli config set ${slug} ${keys.map((k) => `${k}=…`).join(" ")}`;
      },
    );
  return message === error.message
    ? error
    : new CliError(error.code, message, { exitCode: error.exitCode, details: error.details });
}
