/**
 * What the browser sees when a sign-in cannot go on: a small HTML page, or the platform's JSON error
 * shape for a client that asks for JSON. The message is the plugin's own, escaped; no token, state
 * or provider secret is ever in it.
 */

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

const wantsJson = (request: Request) => {
  const accept = request.headers.get("accept") ?? "";
  return accept.includes("application/json") && !accept.includes("text/html");
};

/**
 * An error answer for `request`, with `headers` added (a cookie to clear).
 *
 * @example
 * return errorPage(request, 400, "STATE_MISMATCH", "This sign-in was started in another browser.");
 */
export function errorPage(
  request: Request,
  status: number,
  code: string,
  message: string,
  headers = new Headers(),
): Response {
  headers.set("cache-control", "no-store");
  if (wantsJson(request)) {
    headers.set("content-type", "application/json");
    return new Response(JSON.stringify({ error: { code, message } }), { status, headers });
  }
  headers.set("content-type", "text/html; charset=utf-8");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Sign-in failed</title></head>
<body><main><h1>Sign-in failed</h1><p>${escapeHtml(message)}</p><p><small>${escapeHtml(code)}</small></p>
</main></body></html>`;
  return new Response(html, { status, headers });
}

/** The JSON answer of the API-style endpoints (refresh, sign-out). */
export const jsonError = (status: number, code: string, message: string) =>
  Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });
