/**
 * The `/v1` endpoints the peer serves, each parsing its params with its schema and answering the
 * object in Stripe's shape. Anything else is Stripe's "Unrecognized request URL" 404.
 */
import { z } from "zod";
import { confirmPaymentIntent } from "./confirmation.ts";
import { resourceMissing, StripeApiError } from "./errors.ts";
import { eventObject, type OperationContext } from "./events.ts";
import type { FormParams } from "./form.ts";
import { chargeObject, checkExpand, paymentIntentObject, paymentMethodObject, refundObject } from "./objects.ts";
import { integer, parseParams, text, textList } from "./params.ts";
import {
  cancelParams,
  captureParams,
  confirmParams,
  createParams,
  retrieveParams,
  updateParams,
} from "./payment-intent-params.ts";
import {
  cancelPaymentIntent,
  capturePaymentIntent,
  createPaymentIntent,
  updatePaymentIntent,
} from "./payment-intents.ts";
import { createRefund, refundParams } from "./refunds.ts";
import type { PaymentIntentRecord } from "./store.ts";

export interface ApiResult {
  status: number;
  body: unknown;
}

type Handler = (params: FormParams, ctx: OperationContext, id: string) => ApiResult;

const expandOnly = z.strictObject({ expand: textList().optional() });

const listEventsParams = z.strictObject({
  limit: integer().optional(),
  type: text().optional(),
  starting_after: text().optional(),
  expand: textList().optional(),
});

function parsed<S extends z.ZodType>(schema: S, raw: FormParams): z.output<S> {
  const result = parseParams(schema, raw);
  if (result instanceof StripeApiError) throw result;
  return result;
}

function expanding(kind: "payment_intent" | "charge" | "refund", expand: string[] | undefined): string[] {
  const error = checkExpand(kind, expand ?? []);
  if (error) throw error;
  return expand ?? [];
}

function paymentIntent(ctx: OperationContext, id: string): PaymentIntentRecord {
  const pi = ctx.store.find(ctx.store.paymentIntents, id, ctx.account);
  if (!pi) throw resourceMissing("payment_intent", id, "intent");
  return pi;
}

const ok = (body: unknown): ApiResult => ({ status: 200, body });

/** One PaymentIntent operation: parse, check expand, act, answer the PaymentIntent. */
function onPaymentIntent<S extends z.ZodType<{ expand?: string[] | undefined }>>(
  schema: S,
  act: (ctx: OperationContext, pi: PaymentIntentRecord, params: z.output<S>) => void,
): Handler {
  return (raw, ctx, id) => {
    const params = parsed(schema, raw);
    const expand = expanding("payment_intent", params.expand);
    const pi = paymentIntent(ctx, id);
    act(ctx, pi, params);
    return ok(paymentIntentObject(pi, ctx.store, expand));
  };
}

const routes: { method: string; pattern: RegExp; handler: Handler }[] = [
  {
    method: "POST",
    pattern: /^\/v1\/payment_intents$/,
    handler: (raw, ctx) => {
      const params = parsed(createParams, raw);
      const expand = expanding("payment_intent", params.expand);
      const pi = createPaymentIntent(ctx, params);
      return ok(paymentIntentObject(pi, ctx.store, expand));
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/payment_intents\/([^/]+)$/,
    handler: onPaymentIntent(retrieveParams, () => {}),
  },
  {
    method: "POST",
    pattern: /^\/v1\/payment_intents\/([^/]+)$/,
    handler: onPaymentIntent(updateParams, updatePaymentIntent),
  },
  {
    method: "POST",
    pattern: /^\/v1\/payment_intents\/([^/]+)\/confirm$/,
    handler: onPaymentIntent(confirmParams, confirmPaymentIntent),
  },
  {
    method: "POST",
    pattern: /^\/v1\/payment_intents\/([^/]+)\/capture$/,
    handler: onPaymentIntent(captureParams, capturePaymentIntent),
  },
  {
    method: "POST",
    pattern: /^\/v1\/payment_intents\/([^/]+)\/cancel$/,
    handler: onPaymentIntent(cancelParams, cancelPaymentIntent),
  },
  {
    method: "POST",
    pattern: /^\/v1\/refunds$/,
    handler: (raw, ctx) => {
      const params = parsed(refundParams, raw);
      const expand = expanding("refund", params.expand);
      return ok(refundObject(createRefund(ctx, params), ctx.store, expand));
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/refunds\/([^/]+)$/,
    handler: (raw, ctx, id) => {
      const expand = expanding("refund", parsed(expandOnly, raw).expand);
      const refund = ctx.store.find(ctx.store.refunds, id, ctx.account);
      if (!refund) throw resourceMissing("refund", id, "id");
      return ok(refundObject(refund, ctx.store, expand));
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/charges\/([^/]+)$/,
    handler: (raw, ctx, id) => {
      const expand = expanding("charge", parsed(expandOnly, raw).expand);
      const charge = ctx.store.find(ctx.store.charges, id, ctx.account);
      if (!charge) throw resourceMissing("charge", id, "id");
      return ok(chargeObject(charge, ctx.store, expand));
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/payment_methods\/([^/]+)$/,
    handler: (raw, ctx, id) => {
      parsed(expandOnly, raw);
      const pm = ctx.store.find(ctx.store.paymentMethods, id, ctx.account);
      if (!pm) throw resourceMissing("PaymentMethod", id, "payment_method");
      return ok(paymentMethodObject(pm));
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/events\/([^/]+)$/,
    handler: (raw, ctx, id) => {
      parsed(expandOnly, raw);
      const event = ctx.store.find(ctx.store.events, id, ctx.account);
      if (!event) throw resourceMissing("event", id, "id");
      return ok(eventObject(event));
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/events$/,
    handler: (raw, ctx) => {
      const params = parsed(listEventsParams, raw);
      const limit = Math.min(Math.max(params.limit ?? 10, 1), 100);
      // newest first, as Stripe lists
      let events = [...ctx.store.events.values()].filter((e) => e.account === ctx.account).reverse();
      if (params.type) events = events.filter((e) => e.type === params.type);
      if (params.starting_after) {
        const at = events.findIndex((e) => e.id === params.starting_after);
        events = at === -1 ? [] : events.slice(at + 1);
      }
      return ok({
        object: "list",
        data: events.slice(0, limit).map((e) => eventObject(e)),
        has_more: events.length > limit,
        url: "/v1/events",
      });
    },
  },
];

/** The handler for `method path`, or null (the server answers Stripe's unrecognized-URL 404). */
export function route(method: string, path: string): ((params: FormParams, ctx: OperationContext) => ApiResult) | null {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (m) return (params, ctx) => r.handler(params, ctx, decodeURIComponent(m[1] ?? ""));
  }
  return null;
}

export function unrecognizedUrl(method: string, path: string): StripeApiError {
  return new StripeApiError(
    404,
    {
      type: "invalid_request_error",
      message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    },
    { executed: false },
  );
}
