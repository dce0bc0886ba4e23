/**
 * What the peer's own tests build on: a peer per test file (reset before each test), the real
 * `stripe` SDK pointed at it, and a webhook receiver on loopback that records every delivery.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { StripePeerControl } from "./control-client.ts";
import type { StripeErrorBody } from "./errors.ts";
import { type StripePeer, type StripePeerOptions, startStripePeer } from "./index.ts";

/** The version a plugin pins: the SDK's own, so its types describe what the peer answers. */
export const API_VERSION = Stripe.API_VERSION;

export interface PeerHandle {
  peer: StripePeer;
  control: StripePeerControl;
}

/** One peer for the file, reset before each test; read `.peer` and `.control` inside tests. */
export function givenPeer(options: StripePeerOptions = {}): PeerHandle {
  const handle = {} as PeerHandle;
  beforeAll(async () => {
    handle.peer = await startStripePeer(options);
    handle.control = new StripePeerControl(handle.peer.url);
  });
  afterAll(async () => {
    await handle.peer?.close();
  });
  beforeEach(async () => {
    await handle.control.reset();
  });
  return handle;
}

/** The SDK as a plugin configures it, with no retries unless a test asks for them. */
export function givenStripe(peer: StripePeer, config: Partial<Stripe.StripeConfig> & { key?: string } = {}): Stripe {
  const { key, ...rest } = config;
  return new Stripe(key ?? peer.apiKey, {
    apiVersion: API_VERSION,
    host: "127.0.0.1",
    port: peer.port,
    protocol: "http",
    maxNetworkRetries: 0,
    ...rest,
  });
}

/** The `error` of a Stripe error envelope answered to a plain fetch(). */
export async function stripeError(res: Response): Promise<StripeErrorBody> {
  return ((await res.json()) as { error: StripeErrorBody }).error;
}

/** The usual card payment: USD 20.00 on a card, nothing that needs a return_url. */
export function cardPayment(
  overrides: Partial<Stripe.PaymentIntentCreateParams> = {},
): Stripe.PaymentIntentCreateParams {
  return {
    amount: 2000,
    currency: "usd",
    payment_method: "pm_card_visa",
    allowed_payment_method_types: ["card"],
    confirm: true,
    ...overrides,
  };
}

export interface Delivery {
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
}

export interface WebhookReceiver {
  url: string;
  deliveries: Delivery[];
  /** Resolves once `count` deliveries have arrived (or fails after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<Delivery[]>;
  clear(): void;
  close(): Promise<void>;
}

/** A receiver that answers 200 to everything and keeps each delivery's headers and raw body. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
      );
      deliveries.push({ headers, body: Buffer.concat(chunks).toString("utf8"), receivedAt: Date.now() });
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/stripe/webhook`,
    deliveries,
    async waitFor(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (deliveries.length < count) {
        if (Date.now() > deadline) throw new Error(`waited for ${count} deliveries, got ${deliveries.length}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return deliveries.slice(0, count);
    },
    clear() {
      deliveries.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
