/**
 * Where the workerd tests find the reference plugins' counterparts, which test/global-setup.ts starts in
 * Node: plain data, so tests inside workerd import it too.
 */
import { WEBHOOK_RECEIVER_PORT } from "../webhooks/receiver.ts";

/** The sandbox tests' own servers: one the probe's manifest lists, one that no manifest lists. */
export const ALLOWED_PORT = 8791;
export const FORBIDDEN_PORT = 8792;
export const FORBIDDEN_TCP_PORT = 8793;

export const STRIPE_PEER = {
  port: 8795,
  url: "http://127.0.0.1:8795",
  /** Each key is its own Stripe account: a test file takes one, so held webhooks and objects stay its own. */
  apiKeys: ["sk_test_gateway_payments_0001", "sk_test_gateway_webhooks_0002", "sk_test_gateway_faults_0003"],
  /** The peer's webhooks land on the receiver, which records them; the tests forward them into the platform. */
  webhookPath: "/ok/stripe-peer",
  webhookUrl: `http://127.0.0.1:${WEBHOOK_RECEIVER_PORT}/ok/stripe-peer`,
  webhookSecret: "whsec_peer_test_secret_000000000000",
} as const;

/** The store every sign-in test uses: a provider's redirect URI is registered exactly, tenant and all. */
export const OIDC_STORE = "oauth-store";

export const OIDC_PEER = {
  port: 8796,
  issuer: "http://127.0.0.1:8796",
  client: {
    client_id: "commerce-test-client",
    client_secret: "commerce-test-secret",
    redirect_uris: [`http://commerce.test/api/stores/${OIDC_STORE}/plugins/google-oauth/callback`],
  },
};

/** SMTP servers (test/peers/smtp): plain, STARTTLS, implicit TLS, one that hangs up, and the control API. */
export const SMTP_PEER = {
  plain: 8810,
  starttls: 8811,
  tls: 8812,
  hangUp: 8813,
  control: 8814,
} as const;

/**
 * A real Strapi v5 (test/peers/strapi), installed on first use and booted by the global setup in the
 * background: its webhooks land on the receiver, which the tests forward into the platform byte for byte.
 */
export const STRAPI_PEER = {
  port: 8815,
  url: "http://127.0.0.1:8815",
  webhookPath: "/ok/strapi-peer",
  webhookUrl: `http://127.0.0.1:${WEBHOOK_RECEIVER_PORT}/ok/strapi-peer`,
  webhookSecret: "cms-peer-test-webhook-secret-0001",
  /** Where no CMS ever listens: a store pointed here finds its CMS down. */
  downUrl: "http://127.0.0.1:8816",
} as const;
