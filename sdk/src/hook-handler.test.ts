// The spec's "Hook Implementation" example, verbatim but for the formatter's quotes and the amount
// in minor units (the platform's money is integer cents: 50 is $0.50).
// biome-ignore-all assist/source/organizeImports: the spec's import, as written
// biome-ignore lint/style/useImportType: the spec's import, as written
import { HookHandler, PluginContext, PaymentHookData } from "@digital-commerce/plugin-sdk";
import { createPaymentPlugin, paymentHookData, paymentSchema } from "@digital-commerce/plugin-sdk";
import { serviceClients } from "@digital-commerce/plugin-sdk/runtime";
import { describe, expect, it } from "vitest";

// biome-ignore lint/correctness/noUnusedFunctionParameters: the spec's example, kept as written
const handler: HookHandler<PaymentHookData> = async (context: PluginContext, data) => {
  // Add metadata to payment
  data.payment.metadata = {
    ...data.payment.metadata,
    processed_by: "my-plugin",
    timestamp: new Date().toISOString(),
  };

  // Validate payment
  if (data.payment.amount < 50) {
    throw new Error("Minimum payment is $0.50");
  }

  return data.payment;
};

export default handler;

// ---------------------------------------------------------------------------------------------

describe("the spec's hook handler example", () => {
  it("stamps a payment of $10 with the plugin that processed it and hands the payment back", async () => {
    const data = paymentHookData.parse({ payment: { amount: 1000, currency: "USD", metadata: { order: "o-1" } } });

    const result = await handler(givenContext(), data);

    expect(paymentSchema.parse(result)).toEqual({
      amount: 1000,
      currency: "USD",
      metadata: { order: "o-1", processed_by: "my-plugin", timestamp: expect.any(String) },
    });
    expect(Number.isNaN(Date.parse(String(data.payment.metadata.timestamp)))).toBe(false);
  });

  it("vetoes a payment of $0.25 with 'Minimum payment is $0.50'", async () => {
    const data = paymentHookData.parse({ payment: { amount: 25, currency: "USD" } });

    await expect(handler(givenContext(), data)).rejects.toThrow("Minimum payment is $0.50");
  });
});

/** A context for one tenant whose services are not reachable in a unit test: using one fails loudly. */
function givenContext(): PluginContext {
  const unavailable = (service: string) => () => Promise.reject(new Error(`${service} is not available in this test`));
  const tenant = { id: "tenant-123", slug: "acme", name: "Acme", settings: {} };
  const manifest = createPaymentPlugin("My Plugin", "my-plugin").build();
  return {
    tenant,
    plugin: { id: "plugin-1", slug: "my-plugin", manifest, config: {} },
    db: { query: unavailable("db"), one: unavailable("db"), transaction: unavailable("db") },
    cache: { get: unavailable("cache"), set: unavailable("cache"), delete: unavailable("cache") },
    storage: { upload: unavailable("storage"), download: unavailable("storage"), delete: unavailable("storage") },
    http: { get: unavailable("http"), post: unavailable("http") },
    events: { emit: unavailable("events"), on: () => {}, track: unavailable("events") },
    logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    // no platform connects it to dependencies: a service call is refused, saying so
    plugins: serviceClients(undefined, manifest, {
      tenant,
      plugin: { id: "plugin-1", slug: "my-plugin", version: "1.0.0", config: {} },
    }),
  };
}
