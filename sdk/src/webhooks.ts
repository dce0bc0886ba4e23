/**
 * Inbound webhooks that go through the queue: what a plugin's verify module returns, and how it refuses.
 * The verify step runs while the provider waits, so it only checks the request (the signature on the raw
 * body) and names the event; the work happens later, in the queued delivery, with retries.
 */
import { z } from "zod";
import type { PluginContext } from "./types.ts";

/**
 * The event a verify module accepted: `id` is the provider's own event id, which the platform
 * deduplicates on (a provider that sends an event twice has it handled once).
 *
 * @example
 * const event = webhookEventSchema.parse({ id: "evt_1", type: "payment_intent.succeeded", data: { object: {} } });
 */
export const webhookEventSchema = z.object({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  data: z.unknown(),
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

/** Thrown by a verify module for a request that is not the provider's: a bad or stale signature. */
export class WebhookRefusal extends Error {
  override readonly name = "WebhookRefusal";
}

/**
 * Refuses the request being verified: the provider gets 400 with `message`, and the refusal is recorded
 * against the plugin. Any other error is the plugin's failure (502), which the provider retries.
 *
 * @example
 * const verify: WebhookVerifier = async (context, request) => {
 *   if (!request.headers.get("stripe-signature")) refuseWebhook("no Stripe-Signature header");
 *   return { id: "evt_1", type: "ping", data: null };
 * };
 */
export function refuseWebhook(message: string): never {
  throw new WebhookRefusal(message);
}

/**
 * A webhook's verify module (its default export): checks the request and returns the event to queue.
 *
 * @example
 * const verify: WebhookVerifier = async (context, request) => {
 *   const body = await request.text();
 *   return { id: JSON.parse(body).id, type: "ping", data: JSON.parse(body) };
 * };
 */
export type WebhookVerifier = (context: PluginContext, request: Request) => Promise<WebhookEvent> | WebhookEvent;

/** The verify step's answer across the isolate boundary (an error's class does not survive RPC). */
export type WebhookVerdict = { accepted: true; event: WebhookEvent } | { accepted: false; message: string };
