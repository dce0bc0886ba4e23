/**
 * What the stripe-gateway tests build: a store with core-utils and stripe-gateway active against the
 * Stripe counterpart that test/global-setup.ts runs (its own Stripe account, by API key), and the
 * Stripe side of the wire: the peer's control API, and the webhooks it sent, forwarded into the
 * platform exactly as Stripe would post them.
 */

import { env, SELF } from "cloudflare:test";
import { expect } from "vitest";
import { ledgerDb } from "../../../api/src/ledger/index.ts";
import { givenStore, type Store } from "../../../test/commerce/given.ts";
import { givenPublished } from "../../../test/helpers.ts";
import { STRIPE_PEER } from "../../../test/peers/ports.ts";
import { StripePeerControl } from "../../../test/peers/stripe/control-client.ts";
import { requestsTo } from "../../../test/webhooks/receiver.ts";

export const stripe = new StripePeerControl(STRIPE_PEER.url);

export interface Payment {
  id: string;
  status: string;
  amount: number;
  captured_amount: number;
  refunded_amount: number;
  currency: string;
  transaction_id: string | null;
  next_action: { type: string; client_secret?: string; redirect_url?: string } | null;
  error: { code: string; message: string; decline_code?: string } | null;
}

export async function givenStripeStore({
  capture = "automatic",
  apiKey = STRIPE_PEER.apiKeys[0],
}: {
  capture?: "automatic" | "manual";
  apiKey?: string;
} = {}) {
  const store = await givenStore();
  await givenPublished("core-utils");
  await givenPublished("stripe-gateway");
  const config = {
    secret_key: apiKey,
    publishable_key: "pk_test_peer_publishable",
    webhook_secret: STRIPE_PEER.webhookSecret,
    capture,
    api_base: STRIPE_PEER.url,
  };
  const install = await store.api("POST", "/api/admin/plugins/stripe-gateway/install", { config });
  expect(install.status, JSON.stringify(install.body)).toBe(201);
  // core-utils derives minimum charges Stripe publishes none for (KWD) from the store's rates
  const rates = await store.api("PUT", "/api/admin/plugins/core-utils/config", {
    exchange_rates: { USD: 1, EUR: 0.92, GBP: 0.79, JPY: 150.3, KWD: 0.307 },
  });
  expect(rates.status, JSON.stringify(rates.body)).toBe(200);
  const activate = await store.api("POST", "/api/admin/plugins/stripe-gateway/activate?cascade=true");
  expect(activate.status, JSON.stringify(activate.body)).toBe(200);
  return { ...store, pay: (body: Record<string, unknown>, key?: string) => pay(store, body, key) };
}

export type StripeStore = Awaited<ReturnType<typeof givenStripeStore>>;

function pay(store: Store, body: Record<string, unknown>, key = crypto.randomUUID()) {
  return store.shop<Payment>("POST", "/api/commerce/payments", body, { "idempotency-key": key });
}

/** The webhooks the peer sent about `intentId`, oldest first, as Stripe posted them (headers and raw body). */
export async function webhooksAbout(intentId: string, type?: string) {
  const all = await requestsTo(STRIPE_PEER.webhookPath);
  return all.filter((r) => {
    const event = JSON.parse(r.body) as { type: string; data: { object: { id: string; payment_intent?: string } } };
    const about = event.data.object.id === intentId || event.data.object.payment_intent === intentId;
    return about && (type === undefined || event.type === type);
  });
}

/** Posts a recorded Stripe webhook to the store's stripe-gateway webhook URL, as Stripe would. */
export async function forward(store: Store, webhook: { headers: Record<string, string>; body: string }) {
  const res = await SELF.fetch(`http://commerce.test/webhooks/${store.tenant.slug}/stripe-gateway/stripe`, {
    method: "POST",
    headers: {
      "content-type": "application/json; charset=utf-8",
      "stripe-signature": webhook.headers["stripe-signature"] ?? "",
    },
    body: webhook.body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** How many times a hook was committed for the payment: each hook fires once per payment, whatever the order. */
export async function firedFor(tenantId: string, hook: string, paymentId: string): Promise<number> {
  const row = await ledgerDb(env, tenantId)
    .prepare(
      "SELECT COUNT(*) AS n FROM outbox WHERE tenant_id = ? AND hook = ? AND json_extract(payload, '$.payment.id') = ?",
    )
    .bind(tenantId, hook, paymentId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

export const getPayment = async (store: Store, id: string) =>
  (await store.shop<Payment>("GET", `/api/commerce/payments/${id}`)).body;

/** The PaymentIntent creations Stripe received for the platform's payment, oldest first (retries included). */
export async function creationsFor(paymentId: string) {
  const all = await stripe.requests({ method: "POST", path: "/v1/payment_intents" });
  return all.filter((r) => (r.params as { metadata?: { payment_id?: string } }).metadata?.payment_id === paymentId);
}
