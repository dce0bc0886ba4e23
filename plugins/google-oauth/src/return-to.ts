/**
 * Where a finished sign-in sends the browser: a path on the store's own origin, or a URL on one of the
 * origins the `allowed_return_origins` setting lists (a storefront on another host). Anything else is
 * refused, so the sign-in cannot be used to bounce a shopper to a page of an attacker's choosing
 * (an open redirect: https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html).
 */
import { fail } from "./failures.ts";

const BASE = "https://store.invalid";

/**
 * `raw` as a safe place to return to, or a refusal naming what is allowed.
 *
 * @example
 * safeReturnTo("/account?tab=orders", []); // "/account?tab=orders"
 * safeReturnTo("https://shop.example.com/welcome", ["https://shop.example.com"]); // allowed
 * safeReturnTo("//evil.example/", []); // refused: a protocol-relative URL leaves the store
 */
export function safeReturnTo(raw: string | null | undefined, allowedOrigins: readonly string[]): string {
  if (raw === null || raw === undefined || raw === "") return "/";
  // control characters and backslashes are how "/\evil.example" turns into another host in a browser
  if ([...raw].some((c) => c === "\\" || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    return fail("INVALID_CREDENTIALS", "return_to may not contain control characters or backslashes.");
  }
  if (raw.startsWith("/") && !raw.startsWith("//")) {
    const resolved = new URL(raw, BASE);
    if (resolved.origin === BASE) return `${resolved.pathname}${resolved.search}${resolved.hash}`;
  }
  if (URL.canParse(raw)) {
    const url = new URL(raw);
    if ((url.protocol === "https:" || url.protocol === "http:") && allowedOrigins.includes(url.origin)) return url.href;
  }
  const allowed = allowedOrigins.length > 0 ? `, or a URL on ${allowedOrigins.join(", ")}` : "";
  return fail(
    "INVALID_CREDENTIALS",
    `return_to must be a path on this store (such as /account)${allowed}; "${raw.slice(0, 200)}" is neither. Add its origin to the allowed_return_origins setting to allow it.`,
  );
}
