/**
 * The peer's HTTP server. An API request goes through what Stripe puts in front of an endpoint, in
 * this order: the faults the test asked for, authentication, the API version, the route, the
 * idempotency key, the params; then the endpoint runs, its answer is saved for the key, its events go
 * to the webhook endpoint (before or after the answer, or held, as the mode says), and the answer is
 * written with Stripe's headers (`Request-Id`, `Stripe-Version`, `Idempotent-Replayed`, `Original-Request`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { route, unrecognizedUrl } from "./api.ts";
import { authenticate, checkApiVersion } from "./auth.ts";
import { handleControl } from "./control.ts";
import { envelope, invalidParam, StripeApiError, type StripeErrorBody } from "./errors.ts";
import { FormError, type FormParams, parseForm } from "./form.ts";
import { header, readBody, sendJson, sleep } from "./http.ts";
import { newId } from "./ids.ts";
import type { Peer } from "./peer.ts";
import { handleThreeDSecure } from "./three-d-secure.ts";

function apiError(
  res: ServerResponse,
  status: number,
  body: StripeErrorBody,
  requestId: string,
  headers: Record<string, string> = {},
) {
  sendJson(res, status, envelope(body, requestId), { "request-id": requestId, ...headers });
}

async function handleApi(peer: Peer, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const requestId = newId("req");
  const method = req.method ?? "GET";
  const path = url.pathname;
  const idempotencyKey = header(req, "idempotency-key");
  const stripeVersion = header(req, "stripe-version");
  const rawBody = await readBody(req);
  let params: FormParams = {};
  let formError: StripeApiError | null = null;
  try {
    params = parseForm(method === "POST" ? rawBody : url.search.slice(1));
  } catch (error) {
    if (!(error instanceof FormError)) throw error;
    formError = invalidParam(error.param, error.message);
  }
  const logged = peer.log.start({
    id: requestId,
    method,
    path,
    idempotency_key: idempotencyKey,
    stripe_version: stripeVersion,
    params,
  });
  const answer = (status: number, body: StripeErrorBody, headers: Record<string, string> = {}) => {
    logged.status = status;
    apiError(res, status, body, requestId, headers);
  };

  // the faults come first: a Stripe that is down or limiting runs nothing
  const plan = peer.faults.take();
  if (plan.outcome) logged.fault = plan.outcome.kind;
  if (plan.outcome?.kind === "drop_connection") {
    req.socket.destroy();
    return;
  }
  if (plan.outcome?.kind === "unavailable") {
    return answer(plan.outcome.status, {
      type: "api_error",
      message:
        "Sorry, something went wrong. We've already been notified of the problem, but if you need any help, you " +
        "can reach us at support.stripe.com/contact.",
    });
  }
  if (plan.outcome?.kind === "rate_limit") {
    return answer(429, {
      type: "invalid_request_error",
      code: "rate_limit",
      message: "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.",
      doc_url: "https://stripe.com/docs/error-codes/rate-limit",
    });
  }

  const account = authenticate(header(req, "authorization"), peer.config.apiKeys);
  if (account instanceof StripeApiError) return answer(account.status, account.body);
  const versionError = checkApiVersion(stripeVersion);
  if (versionError) return answer(versionError.status, versionError.body);
  const version = stripeVersion ?? peer.config.apiVersion;
  const handler = route(method, path);
  if (!handler) {
    const error = unrecognizedUrl(method, path);
    return answer(error.status, error.body);
  }
  if (formError) return answer(formError.status, formError.body);

  const common: Record<string, string> = {
    "request-id": requestId,
    "stripe-version": version,
    ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
  };
  // Stripe ignores idempotency keys on GET and DELETE: those are idempotent already
  const decision =
    method === "POST" && idempotencyKey ? peer.idempotency.begin(account, idempotencyKey, method, path, params) : null;
  if (decision?.kind === "refused") return answer(decision.error.status, decision.error.body, common);
  if (decision?.kind === "replay") {
    logged.status = decision.response.status;
    logged.replayed = true;
    return sendJson(res, decision.response.status, decision.response.body, {
      ...common,
      "idempotent-replayed": "true",
      "original-request": decision.response.requestId,
    });
  }

  if (plan.delayMs > 0) await sleep(plan.delayMs);
  const { ctx, events } = peer.context(account, { id: requestId, idempotencyKey, apiVersion: version });
  let status: number;
  let body: unknown;
  let executed = true;
  try {
    const result = handler(params, ctx);
    status = result.status;
    body = result.body;
  } catch (error) {
    if (!(error instanceof StripeApiError)) {
      // a bug in the peer: answered as Stripe answers its own failures, and shown to whoever runs the peer
      console.error(`stripe peer: ${method} ${path} failed`, error);
      decision?.forget();
      return answer(500, { type: "api_error", message: `The Stripe peer failed: ${String(error)}` }, common);
    }
    status = error.status;
    body = envelope(error.body, requestId);
    executed = error.executed;
  }
  if (decision?.kind === "fresh") {
    if (executed) decision.save({ status, body, requestId });
    else decision.forget();
  }
  logged.status = status;

  const afterwards = await peer.webhooks.beforeResponse(events);
  if (plan.outcome?.kind === "drop_response") {
    // the work is done and saved under the key; only the answer is lost
    req.socket.destroy();
    peer.webhooks.afterResponse(afterwards);
    return;
  }
  // "close" comes after the answer is written, and also when the client went away before it was
  res.once("close", () => peer.webhooks.afterResponse(afterwards));
  sendJson(res, status, body, common);
}

/** The peer's HTTP server (not yet listening): the API, the control API, the 3-D Secure page. */
export function createPeerServer(peer: Peer): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stripe-peer.invalid");
    const handle = url.pathname.startsWith("/__control/")
      ? handleControl(peer, req, res, url)
      : url.pathname.startsWith("/3ds/")
        ? handleThreeDSecure(peer, req, res, url)
        : handleApi(peer, req, res, url);
    handle.catch((error: unknown) => {
      console.error(`stripe peer: ${req.method} ${url.pathname} failed`, error);
      if (!res.headersSent) sendJson(res, 500, { error: { type: "api_error", message: String(error) } });
      else res.destroy();
    });
  });
}
