/**
 * stripe-gateway: payments through Stripe PaymentIntents on the official `stripe` SDK, sandboxed like
 * any third-party plugin. Its webhooks are verified on the raw body and handled from the queue; money
 * rules (minimum charge per currency, formatting) come from its dependency core-utils.
 */
import { createPaymentPlugin } from "@digital-commerce/plugin-sdk";

export const manifest = createPaymentPlugin("Stripe Gateway", "stripe-gateway")
  .version("2.0.0")
  .description(
    "Stripe payments: PaymentIntents with automatic or manual capture, partial captures and refunds, 3-D Secure, and Stripe's webhooks verified and handled through the platform's queue.",
  )
  .author("Digital Commerce")
  .homepage("https://docs.stripe.com/payments/payment-intents")
  .dependency("core-utils", "^1.3.0")
  .hook("before_payment_process", "src/hooks/beforePayment.ts", 100)
  .webhook("/stripe", {
    verify: "src/webhooks/verify.ts",
    max_attempts: 5,
    description:
      "Stripe's webhook endpoint: register https://<platform>/webhooks/<store>/stripe-gateway/stripe in the Stripe Dashboard",
  })
  .apiEndpoint("GET", "/config", "src/api/publicConfig.ts", { auth_required: false })
  .apiEndpoint("GET", "/revenue", "src/api/revenue.ts")
  .widget({
    id: "stripe-revenue",
    component: "src/admin/RevenueWidget.tsx",
    dashboard: "analytics",
    title: "Stripe revenue",
  })
  .setting("secret_key", {
    type: "string",
    label: "Secret key",
    description: "The account's secret (sk_live_…/sk_test_…) or restricted (rk_…) API key.",
    required: true,
    sensitive: true,
    pattern: "^(sk|rk)_(test|live)_[A-Za-z0-9_]+$",
  })
  .setting("publishable_key", {
    type: "string",
    label: "Publishable key",
    description: "pk_live_…/pk_test_…: the storefront's Stripe.js uses it to confirm 3-D Secure payments.",
    pattern: "^pk_(test|live)_[A-Za-z0-9_]+$",
  })
  .setting("webhook_secret", {
    type: "string",
    label: "Webhook signing secret",
    description: "whsec_…: the signing secret of this store's webhook endpoint in the Stripe Dashboard.",
    required: true,
    sensitive: true,
    pattern: "^whsec_[A-Za-z0-9_]+$",
  })
  .setting("capture", {
    type: "string",
    label: "Capture",
    description: "automatic: charge at once; manual: authorize now and capture later (POST /payments/:id/capture).",
    enum: ["automatic", "manual"],
    default: "automatic",
  })
  .setting("api_base", {
    type: "url",
    label: "Stripe API address",
    description: "Where Stripe's API is; change it only to point at a local Stripe counterpart.",
    egress: true,
    default: "https://api.stripe.com",
  })
  .permission({ network: ["api.stripe.com"], capabilities: ["http", "db", "logger"] })
  .migration(
    "0001_payment_intents",
    `CREATE TABLE payment_intents (
       id TEXT PRIMARY KEY,
       payment_id TEXT,
       currency TEXT NOT NULL,
       status TEXT NOT NULL,
       captured INTEGER NOT NULL DEFAULT 0,
       refunded INTEGER NOT NULL DEFAULT 0,
       updated_at TEXT NOT NULL
     )`,
  )
  .build();
