/**
 * The Stripe client of one call: the official SDK on the isolate's fetch (so every request passes the
 * platform's egress gate) at the store's configured API address, with the API version pinned so a new
 * SDK never changes the shapes this plugin reads. Connection errors, rate limits and Stripe's 5xx are
 * retried here with the same idempotency key (Stripe replays the first answer), so a retry never
 * charges twice; the SDK's own retries are off so that there is one policy, this one.
 */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import pRetry, { AbortError } from "p-retry";
import Stripe from "stripe";

/** The API version the plugin is written against (stripe 23's own). */
export const STRIPE_API_VERSION = "2026-10-28.endive" as const;

export function stripeOf(context: PluginContext): Stripe {
  const base = new URL(String(context.plugin.config.api_base ?? "https://api.stripe.com"));
  const protocol = base.protocol === "http:" ? "http" : "https";
  return new Stripe(String(context.plugin.config.secret_key), {
    apiVersion: STRIPE_API_VERSION,
    httpClient: Stripe.createFetchHttpClient(),
    protocol,
    host: base.hostname,
    port: Number(base.port) || (protocol === "http" ? 80 : 443),
    maxNetworkRetries: 0,
    timeout: 8_000,
    appInfo: { name: "digital-commerce/stripe-gateway", version: "2.0.0" },
  });
}

/** An error of the Stripe SDK, told by its `type` (the classes do not survive every bundling). */
export interface StripeFailure {
  type: string;
  code?: string;
  decline_code?: string;
  message: string;
  statusCode?: number;
  raw?: { payment_intent?: Stripe.PaymentIntent };
}

export function asStripeFailure(error: unknown): StripeFailure | null {
  if (typeof error !== "object" || error === null) return null;
  const { type, message } = error as { type?: unknown; message?: unknown };
  return typeof type === "string" && type.startsWith("Stripe") && typeof message === "string"
    ? (error as StripeFailure)
    : null;
}

/** Stripe could not be reached or could not answer: the same request, same key, may succeed later. */
export function isTransient(failure: StripeFailure): boolean {
  return (
    failure.type === "StripeConnectionError" ||
    failure.type === "StripeRateLimitError" ||
    failure.type === "StripeAPIError" ||
    // a request with this key is still running at Stripe (409)
    (failure.type === "StripeIdempotencyError" && failure.statusCode === 409) ||
    (failure.statusCode !== undefined && failure.statusCode >= 500)
  );
}

/**
 * Runs `call` (one Stripe request with a fixed idempotency key), retrying transient failures with
 * backoff, at most three tries within the call's budget. Anything else is thrown at once.
 */
export async function withRetries<T>(call: () => Promise<T>): Promise<T> {
  return await pRetry(
    async () => {
      try {
        return await call();
      } catch (error) {
        const failure = asStripeFailure(error);
        if (failure && isTransient(failure)) throw error;
        throw new AbortError(error instanceof Error ? error : new Error(String(error)));
      }
    },
    { retries: 2, minTimeout: 200, factor: 3, randomize: true },
  );
}
