/**
 * The page a `next_action` sends the customer to, like Stripe's test 3-D Secure page: "Complete" or
 * "Fail" authentication, then back to the `return_url` with `payment_intent`,
 * `payment_intent_client_secret` and `redirect_status`, as Stripe redirects. The control API's
 * `POST /__control/payment_intents/:id/authenticate` does the same without a browser.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { completeAuthentication } from "./confirmation.ts";
import { StripeApiError } from "./errors.ts";
import { parseForm } from "./form.ts";
import { readBody, sendJson } from "./http.ts";
import type { Peer } from "./peer.ts";
import type { PaymentIntentRecord } from "./store.ts";

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  res.end(`<!doctype html><html><head><title>Stripe peer: 3D Secure</title></head><body>${body}</body></html>`);
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Completes or fails authentication and sends the events, as the API does after a state change. */
export async function authenticatePaymentIntent(
  peer: Peer,
  pi: PaymentIntentRecord,
  outcome: "succeed" | "fail",
): Promise<void> {
  const { ctx, events } = peer.context(pi.account, { id: null, idempotencyKey: null });
  try {
    completeAuthentication(ctx, pi, outcome);
  } finally {
    peer.webhooks.afterResponse(await peer.webhooks.beforeResponse(events));
  }
}

export async function handleThreeDSecure(
  peer: Peer,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const id = decodeURIComponent(url.pathname.slice("/3ds/".length));
  const pi = peer.store.paymentIntents.get(id);
  if (!pi) return html(res, 404, `<p>No PaymentIntent ${escapeHtml(id)}.</p>`);
  if (req.method === "GET") {
    return html(
      res,
      200,
      `<h1>3D Secure test page</h1><p>${escapeHtml(pi.id)}: ${pi.amount} ${escapeHtml(pi.currency)}</p>` +
        `<form method="post"><button name="outcome" value="succeed">Complete authentication</button>` +
        `<button name="outcome" value="fail">Fail authentication</button></form>`,
    );
  }
  if (req.method !== "POST") return html(res, 405, "<p>GET or POST only.</p>");
  const outcome = parseForm(await readBody(req)).outcome;
  if (outcome !== "succeed" && outcome !== "fail") return html(res, 400, "<p>outcome must be succeed or fail.</p>");
  try {
    await authenticatePaymentIntent(peer, pi, outcome);
  } catch (error) {
    if (error instanceof StripeApiError) return sendJson(res, 409, { error: error.body });
    throw error;
  }
  if (!pi.return_url) return html(res, 200, `<p>Authentication ${outcome === "succeed" ? "completed" : "failed"}.</p>`);
  const back = new URL(pi.return_url);
  back.searchParams.set("payment_intent", pi.id);
  back.searchParams.set("payment_intent_client_secret", pi.client_secret);
  back.searchParams.set("redirect_status", pi.status === "requires_payment_method" ? "failed" : "succeeded");
  res.writeHead(302, { location: back.toString() });
  res.end();
}
