/**
 * The control API under `/__control/` (JSON), for tests: reset, the webhook endpoint and its modes,
 * held events and their release, 3-D Secure outcomes, faults, the request log and every object made.
 * README.md lists the routes. Errors are `{"error":{"code","message"}}` with a code a test can switch on.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import { authenticationInput, faultInput, releaseInput, webhookConfigInput } from "./control-schema.ts";
import { StripeApiError } from "./errors.ts";
import { eventObject } from "./events.ts";
import { readBody, sendJson } from "./http.ts";
import { chargeObject, paymentIntentObject, refundObject } from "./objects.ts";
import type { Peer } from "./peer.ts";
import { authenticatePaymentIntent } from "./three-d-secure.ts";
import { WebhookError } from "./webhooks.ts";

export type ControlErrorCode = "INVALID_CONTROL_REQUEST" | "NOT_FOUND" | "WRONG_STATE" | "NO_WEBHOOK_ENDPOINT";

class ControlError extends Error {
  readonly status: number;
  readonly code: ControlErrorCode;
  constructor(status: number, code: ControlErrorCode, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function body<S extends z.ZodType>(schema: S, text: string): z.output<S> {
  let json: unknown;
  try {
    json = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new ControlError(400, "INVALID_CONTROL_REQUEST", "the body is not JSON");
  }
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? issue.path.join(".") : "body";
  throw new ControlError(400, "INVALID_CONTROL_REQUEST", `${field}: ${issue?.message ?? "invalid"}`);
}

type ControlHandler = (peer: Peer, text: string, url: URL, id: string) => unknown | Promise<unknown>;

const routes: { method: string; pattern: RegExp; handler: ControlHandler }[] = [
  {
    method: "POST",
    pattern: /^\/__control\/reset$/,
    handler: (peer) => {
      peer.reset();
      return { reset: true };
    },
  },
  { method: "GET", pattern: /^\/__control\/webhooks$/, handler: (peer) => peer.webhooks.state() },
  {
    method: "PUT",
    pattern: /^\/__control\/webhooks$/,
    handler: (peer, text) => {
      peer.webhooks.configure(body(webhookConfigInput, text));
      return peer.webhooks.state();
    },
  },
  {
    method: "POST",
    pattern: /^\/__control\/webhooks\/release$/,
    handler: async (peer, text) => {
      try {
        return { deliveries: await peer.webhooks.release(body(releaseInput, text)) };
      } catch (error) {
        if (error instanceof WebhookError) {
          const missing = error.message.startsWith("no webhook");
          throw new ControlError(missing ? 409 : 404, missing ? "NO_WEBHOOK_ENDPOINT" : "NOT_FOUND", error.message);
        }
        throw error;
      }
    },
  },
  {
    method: "POST",
    pattern: /^\/__control\/webhooks\/flush$/,
    handler: async (peer) => {
      await peer.webhooks.idle();
      return { deliveries: peer.webhooks.state().deliveries };
    },
  },
  {
    method: "POST",
    pattern: /^\/__control\/payment_intents\/([^/]+)\/authenticate$/,
    handler: async (peer, text, _url, id) => {
      const { outcome } = body(authenticationInput, text);
      const pi = peer.store.paymentIntents.get(id);
      if (!pi) throw new ControlError(404, "NOT_FOUND", `no PaymentIntent ${id}`);
      try {
        await authenticatePaymentIntent(peer, pi, outcome);
      } catch (error) {
        if (error instanceof StripeApiError) throw new ControlError(409, "WRONG_STATE", error.message);
        throw error;
      }
      return { payment_intent: paymentIntentObject(pi, peer.store) };
    },
  },
  { method: "GET", pattern: /^\/__control\/faults$/, handler: (peer) => ({ faults: peer.faults.list() }) },
  {
    method: "POST",
    pattern: /^\/__control\/faults$/,
    handler: (peer, text) => {
      peer.faults.add(body(faultInput, text));
      return { faults: peer.faults.list() };
    },
  },
  {
    method: "DELETE",
    pattern: /^\/__control\/faults$/,
    handler: (peer) => {
      peer.faults.clear();
      return { faults: [] };
    },
  },
  {
    method: "GET",
    pattern: /^\/__control\/requests$/,
    handler: (peer, _text, url) => ({
      requests: peer.log.list({
        method: url.searchParams.get("method"),
        path: url.searchParams.get("path"),
        idempotency_key: url.searchParams.get("idempotency_key"),
      }),
    }),
  },
  {
    method: "GET",
    pattern: /^\/__control\/objects$/,
    handler: (peer) => {
      const { store } = peer;
      return {
        payment_intents: [...store.paymentIntents.values()].map((pi) => paymentIntentObject(pi, store)),
        charges: [...store.charges.values()].map((c) => chargeObject(c, store)),
        refunds: [...store.refunds.values()].map((r) => refundObject(r, store)),
        events: [...store.events.values()].map((e) => eventObject(e)),
      };
    },
  },
];

export async function handleControl(peer: Peer, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const text = await readBody(req);
  const method = req.method ?? "GET";
  try {
    for (const r of routes) {
      const m = r.method === method ? r.pattern.exec(url.pathname) : null;
      if (m) return sendJson(res, 200, await r.handler(peer, text, url, decodeURIComponent(m[1] ?? "")));
    }
    throw new ControlError(
      404,
      "NOT_FOUND",
      `no control route ${method} ${url.pathname} (see test/peers/stripe/README.md)`,
    );
  } catch (error) {
    if (!(error instanceof ControlError)) throw error;
    sendJson(res, error.status, { error: { code: error.code, message: error.message } });
  }
}
