/**
 * Stripe `event` objects: made at each state change, kept for `GET /v1/events/:id`, and handed to the
 * webhook sender. An event's `data.object` is a snapshot, as Stripe's is: an event delivered late still
 * shows the object as it was then, which is why a consumer re-reads the object rather than trusting it.
 * https://docs.stripe.com/api/events/object
 */
import { newId, nowSeconds } from "./ids.ts";
import type { EventRecord, Store } from "./store.ts";

/** What an operation needs to know about the request it runs in. */
export interface OperationContext {
  store: Store;
  account: string;
  /** The API request that caused the change; null when the customer caused it (a 3-D Secure page). */
  requestId: string | null;
  idempotencyKey: string | null;
  /** The API version the request asked for (`Stripe-Version`, else the account's default). */
  apiVersion: string;
  /** The version events are rendered in: the webhook endpoint's (the account's default), not the request's. */
  eventApiVersion: string;
  /** The peer's own URL, for the 3-D Secure page a `next_action` points at. */
  baseUrl: string;
  /** Receives each event as it is made, in order. */
  emit(event: EventRecord): void;
}

export function recordEvent(
  ctx: OperationContext,
  type: string,
  object: Record<string, unknown>,
  previousAttributes: Record<string, unknown> | null = null,
): EventRecord {
  const event: EventRecord = {
    id: newId("evt"),
    account: ctx.account,
    created: nowSeconds(),
    type,
    api_version: ctx.eventApiVersion,
    object: structuredClone(object),
    previous_attributes: previousAttributes,
    request: { id: ctx.requestId, idempotency_key: ctx.idempotencyKey },
  };
  ctx.store.events.set(event.id, event);
  ctx.emit(event);
  return event;
}

export function eventObject(event: EventRecord, pendingWebhooks = 0): Record<string, unknown> {
  return {
    id: event.id,
    object: "event",
    api_version: event.api_version,
    created: event.created,
    data: {
      object: event.object,
      ...(event.previous_attributes ? { previous_attributes: event.previous_attributes } : {}),
    },
    livemode: false,
    pending_webhooks: pendingWebhooks,
    request: event.request,
    type: event.type,
  };
}
