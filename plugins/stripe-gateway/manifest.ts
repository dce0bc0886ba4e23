/** stripe-gateway: the spec's Stripe payment plugin; depends on core-utils. */
import { createPaymentPlugin } from "@digital-commerce/plugin-sdk";

export const manifest = createPaymentPlugin("Stripe Gateway", "stripe-gateway")
  .version("1.0.0")
  .description("Stripe payment integration")
  .author("Digital Commerce")
  .dependency("core-utils", "^1.0.0")
  .hook("before_payment_process", "src/hooks/beforePayment.ts", 100)
  .setting("api_key", { type: "string", label: "API Key", required: true, sensitive: true })
  .setting("capture", { type: "string", label: "Capture", enum: ["automatic", "manual"], default: "automatic" })
  .permission({ network: ["api.stripe.com"], capabilities: ["http", "logger"] })
  .build();
