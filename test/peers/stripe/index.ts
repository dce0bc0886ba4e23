/**
 * @module A stateful local Stripe for tests: PaymentIntents, refunds, idempotency, Stripe's errors and
 * signed webhooks on loopback, spoken in Stripe's wire protocol so the real `stripe` SDK talks to it.
 * README.md says what it implements and the control API.
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { Peer } from "./peer.ts";
import { createPeerServer } from "./server.ts";

export { StripePeerControl } from "./control-client.ts";
export type {
  DeliveryRecord,
  FaultInput,
  HeldEvent,
  LoggedRequest,
  ReleaseInput,
  WebhookConfigInput,
  WebhookMode,
  WebhookState,
} from "./control-schema.ts";

/** The port stripe-mock made customary; `node test/peers/stripe/main.ts` listens there by default. */
export const STRIPE_PEER_PORT = 12111;

export const DEFAULT_API_KEY = "sk_test_peer_0000000000000000";

export interface StripePeerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** The secret key(s) accepted; each key is its own account. Default {@link DEFAULT_API_KEY}. */
  apiKey?: string | readonly string[];
  /** Where events are POSTed; none until set here or with `PUT /__control/webhooks`. */
  webhookUrl?: string;
  /** The endpoint's signing secret (`whsec_…`); a random one when omitted. */
  webhookSecret?: string;
  /** The account's default API version; default the one the installed `stripe` SDK pins. */
  apiVersion?: string;
}

export interface StripePeer {
  /** `http://host:port`, no trailing slash. */
  url: string;
  host: string;
  port: number;
  /** The first accepted key. */
  apiKey: string;
  webhookSecret: string;
  /** The state itself, for Node tests that want to look without HTTP. */
  peer: Peer;
  close(): Promise<void>;
}

/**
 * Starts the peer on loopback.
 *
 * @example
 * const peer = await startStripePeer({ webhookUrl: "http://127.0.0.1:8794/ok/stripe" });
 * const stripe = new Stripe(peer.apiKey, { host: "127.0.0.1", port: peer.port, protocol: "http" });
 * const pi = await stripe.paymentIntents.create({ amount: 2000, currency: "usd", payment_method: "pm_card_visa",
 *   allowed_payment_method_types: ["card"], confirm: true });
 * // pi.status === "succeeded"
 * await peer.close();
 */
export async function startStripePeer(options: StripePeerOptions = {}): Promise<StripePeer> {
  const apiKeys = typeof options.apiKey === "string" ? [options.apiKey] : [...(options.apiKey ?? [DEFAULT_API_KEY])];
  const [apiKey] = apiKeys;
  if (!apiKey) throw new Error("startStripePeer: apiKey must name at least one key");
  for (const key of apiKeys) {
    if (!key.startsWith("sk_test_"))
      throw new Error(`startStripePeer: apiKey ${key} is not a test secret key (sk_test_…)`);
  }
  const webhookSecret = options.webhookSecret ?? `whsec_${randomBytes(24).toString("hex")}`;
  if (!webhookSecret.startsWith("whsec_")) throw new Error("startStripePeer: webhookSecret must start with whsec_");
  const peer = new Peer({
    apiKeys,
    webhookUrl: options.webhookUrl ?? null,
    webhookSecret,
    apiVersion: options.apiVersion ?? Stripe.API_VERSION,
  });
  const server = createPeerServer(peer);
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  peer.baseUrl = url;
  return {
    url,
    host,
    port,
    apiKey,
    webhookSecret,
    peer,
    async close() {
      await peer.webhooks.idle();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
