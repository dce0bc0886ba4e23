import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type AnalyticsPlugin,
  type AuthPlugin,
  type AuthResult,
  authResultSchema,
  type BasePlugin,
  type CategoryMethodOf,
  type CmsPlugin,
  categoryMethods,
  cmsContentQuerySchema,
  type DashboardData,
  type EmailPlugin,
  type EventData,
  emailMessageSchema,
  type HookHandler,
  type MetricsQuery,
  type MetricsResult,
  metricsQuerySchema,
  type PaymentData,
  type PaymentHookData,
  type PaymentPlugin,
  type PaymentResult,
  type PaymentUpdate,
  type PluginContext,
  type PluginFor,
  type PluginManifest,
  paymentDataSchema,
  paymentResultSchema,
  paymentUpdateSchema,
} from "./index.ts";

// The checks on types run when the project type-checks (`tsc`); vitest only sees them pass.
describe("plugin context", () => {
  it("offers exactly what the spec's Plugin Context lists, plus the optional keys of repeatable calls, auth plugins' sessions and endpoints' path parameters", () => {
    type SpecKeys = "tenant" | "plugin" | "db" | "cache" | "storage" | "http" | "events" | "logger";
    expectTypeOf<keyof PluginContext>().toEqualTypeOf<
      SpecKeys | "delivery" | "idempotency_key" | "plugins" | "sessions" | "session" | "params"
    >();
    expectTypeOf<Required<Pick<PluginContext, SpecKeys>>>().toEqualTypeOf<Pick<PluginContext, SpecKeys>>();
    expectTypeOf<PluginContext["delivery"]>().toEqualTypeOf<
      { id: string; event_id: string; hook?: string; attempt: number; idempotency_key: string } | undefined
    >();
    expectTypeOf<PluginContext["tenant"]>().toEqualTypeOf<{
      id: string;
      slug: string;
      name: string;
      settings: Record<string, unknown>;
    }>();
    expectTypeOf<PluginContext["plugin"]["manifest"]>().toEqualTypeOf<PluginManifest>();
    expectTypeOf<PluginContext["storage"]["upload"]>().toEqualTypeOf<
      (key: string, data: ArrayBuffer, metadata?: Record<string, string>) => Promise<string>
    >();
    expectTypeOf<PluginContext["http"]["get"]>().toEqualTypeOf<
      (url: string, options?: RequestInit) => Promise<Response>
    >();
    expectTypeOf<PluginContext["logger"]["error"]>().toEqualTypeOf<
      (message: string, error?: Error, meta?: Record<string, unknown>) => void
    >();
  });

  it("lets a hook handler return the subject, the payload or nothing, synchronously or not", () => {
    expectTypeOf(async (_: PluginContext, data: PaymentHookData) => data.payment).toExtend<
      HookHandler<PaymentHookData>
    >();
    expectTypeOf((_: PluginContext, data: PaymentHookData) => data).toExtend<HookHandler<PaymentHookData>>();
    expectTypeOf(async () => {}).toExtend<HookHandler<PaymentHookData>>();
    expectTypeOf(() => {}).toExtend<HookHandler<PaymentHookData>>();
  });
});

describe("plugin interfaces", () => {
  it("declares payment plugins as the spec does", () => {
    expectTypeOf<PaymentPlugin>().toExtend<BasePlugin>();
    expectTypeOf<PaymentPlugin["processPayment"]>().toEqualTypeOf<
      (context: PluginContext, paymentData: PaymentData) => Promise<PaymentResult>
    >();
    expectTypeOf<PaymentPlugin["refundPayment"]>().parameters.toEqualTypeOf<
      [context: PluginContext, transactionId: string, amount?: number]
    >();
    expectTypeOf<PaymentPlugin["capturePayment"]>().parameters.toEqualTypeOf<
      [context: PluginContext, transactionId: string, amount?: number]
    >();
    expectTypeOf<PaymentPlugin["cancelPayment"]>().returns.toEqualTypeOf<Promise<PaymentResult>>();
    expectTypeOf<NonNullable<PaymentPlugin["retrievePayment"]>>().returns.toEqualTypeOf<Promise<PaymentUpdate>>();
    // what the webhook told, re-read from the provider; nothing when it is about no payment of the platform's
    expectTypeOf<PaymentPlugin["handleWebhook"]>().returns.toEqualTypeOf<Promise<PaymentUpdate | null | undefined>>();
  });

  it("declares auth plugins as the spec does", () => {
    expectTypeOf<AuthPlugin["authenticate"]>().returns.toEqualTypeOf<Promise<AuthResult>>();
    expectTypeOf<AuthPlugin["authorize"]>().parameters.toEqualTypeOf<
      [context: PluginContext, user: unknown, resource: string, action: string]
    >();
    expectTypeOf<AuthPlugin["refreshToken"]>().returns.toEqualTypeOf<Promise<string>>();
  });

  it("declares analytics plugins as the spec does", () => {
    expectTypeOf<AnalyticsPlugin["trackEvent"]>().parameters.toEqualTypeOf<
      [context: PluginContext, eventData: EventData]
    >();
    expectTypeOf<AnalyticsPlugin["getMetrics"]>().toEqualTypeOf<
      (context: PluginContext, query: MetricsQuery) => Promise<MetricsResult>
    >();
    expectTypeOf<AnalyticsPlugin["getDashboard"]>().returns.toEqualTypeOf<Promise<DashboardData>>();
  });

  it("maps each category to the interface its plugins implement", () => {
    expectTypeOf<PluginFor<"payment">>().toEqualTypeOf<PaymentPlugin>();
    expectTypeOf<PluginFor<"email">>().toEqualTypeOf<EmailPlugin>();
    expectTypeOf<PluginFor<"cms">>().toEqualTypeOf<CmsPlugin>();
    expectTypeOf<PluginFor<"utility">>().toEqualTypeOf<BasePlugin>();
  });

  it("lists every method of each category's interface as callable, and nothing else", () => {
    expectTypeOf<(typeof categoryMethods)["payment"][number]>().toEqualTypeOf<CategoryMethodOf<"payment">>();
    expectTypeOf<(typeof categoryMethods)["auth"][number]>().toEqualTypeOf<CategoryMethodOf<"auth">>();
    expectTypeOf<(typeof categoryMethods)["analytics"][number]>().toEqualTypeOf<CategoryMethodOf<"analytics">>();
    expectTypeOf<(typeof categoryMethods)["email"][number]>().toEqualTypeOf<CategoryMethodOf<"email">>();
    expectTypeOf<(typeof categoryMethods)["cms"][number]>().toEqualTypeOf<CategoryMethodOf<"cms">>();
    expect(categoryMethods.utility).toEqual([]);
    expect(categoryMethods.payment).toEqual([
      "processPayment",
      "capturePayment",
      "cancelPayment",
      "refundPayment",
      "retrievePayment",
      "handleWebhook",
    ]);
  });
});

describe("data crossing the plugin boundary", () => {
  const payment = { amount: 1250, currency: "USD", payment_id: "pay_1", tenant_id: "ten_1", idempotency_key: "k" };

  it("hands a payment plugin its payment with its id, the store, an idempotency key and metadata filled in", () => {
    expect(paymentDataSchema.parse(payment)).toEqual({ ...payment, metadata: {} });
    expect(paymentDataSchema.safeParse({ amount: 1250, currency: "USD" }).success).toBe(false);
  });

  it.each([
    ["12.5 USD as a float", { amount: 12.5 }],
    ["a negative amount", { amount: -1 }],
    ["an amount past the safe integers", { amount: 2 ** 60 }],
    ["nothing to charge", { amount: 0 }],
  ])("refuses %s, saying amounts are integer minor units", (_, change) => {
    const result = paymentDataSchema.safeParse({ ...payment, ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["amount"]);
  });

  it("says what the unit is when an amount is not an integer", () => {
    const result = paymentDataSchema.safeParse({ ...payment, amount: 12.5 });
    expect(result.error?.issues[0]?.message).toBe(
      "must be an integer in the currency's minor units (USD: cents, 12.50 USD is 1250; JPY: yen, 500 JPY is 500; KWD: fils, 1.250 KWD is 1250)",
    );
  });

  it("reads a 3-D Secure payment as pending with what the customer must do", () => {
    const pending: PaymentResult = {
      success: true,
      transaction_id: "pi_1",
      status: "pending",
      next_action: { type: "use_stripe_sdk", client_secret: "pi_1_secret_2" },
    };
    expect(paymentResultSchema.parse(pending)).toEqual(pending);
  });

  it("tells an indeterminate failure from a decline", () => {
    const unknown = paymentResultSchema.parse({
      success: false,
      indeterminate: true,
      error: { code: "api_connection_error", message: "no answer" },
    });
    expect(unknown).toMatchObject({ success: false, indeterminate: true });
  });

  it("refuses a payment update with a status the machine does not have, or a float amount", () => {
    expect(paymentUpdateSchema.safeParse({ transaction_id: "pi_1", status: "succeeded" }).success).toBe(false);
    expect(
      paymentUpdateSchema.safeParse({ transaction_id: "pi_1", status: "captured", captured_amount: 10.5 }).success,
    ).toBe(false);
    expect(paymentUpdateSchema.parse({ transaction_id: "pi_1", status: "canceled" })).toEqual({
      transaction_id: "pi_1",
      status: "canceled",
    });
  });

  it.each([
    ["a success without a transaction id", { success: true, status: "captured" }],
    ["a failure without an error", { success: false }],
    ["a status the platform does not know", { success: true, transaction_id: "ch_1", status: "settled" }],
  ])("refuses a payment result that is %s", (_, result) => {
    expect(paymentResultSchema.safeParse(result).success).toBe(false);
  });

  it("reads back a payment result as the plugin wrote it", () => {
    const declined: PaymentResult = {
      success: false,
      error: { code: "CARD_DECLINED", message: "Declined", decline_code: "insufficient_funds" },
    };
    expect(paymentResultSchema.parse(declined)).toEqual(declined);
  });

  it("refuses a successful sign-in without a token", () => {
    const result = authResultSchema.safeParse({ success: true, user: { id: "u-1" } });
    expect(result.success).toBe(false);
  });

  it("refuses an email with neither a text nor an html body", () => {
    const result = emailMessageSchema.safeParse({ to: ["ada@example.com"], subject: "Hello" });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toContainEqual(
      expect.objectContaining({ path: ["text"], message: "a message needs a text or an html body" }),
    );
  });

  it("accepts recipients as addresses or as name and address", () => {
    const message = emailMessageSchema.parse({
      to: ["ada@example.com", { email: "grace@example.com", name: "Grace Hopper" }],
      subject: "Your order has shipped",
      text: "It is on its way.",
    });
    expect(message).toMatchObject({ cc: [], bcc: [], headers: {}, attachments: [] });
  });

  it("refuses a metrics query whose period ends before it starts", () => {
    const result = metricsQuerySchema.safeParse({
      metrics: ["revenue"],
      from: "2026-02-01T00:00:00Z",
      to: "2026-01-01T00:00:00Z",
    });
    expect(result.error?.issues).toContainEqual(expect.objectContaining({ path: ["to"] }));
  });

  it("pages CMS content 20 entries at a time unless asked otherwise, and at most 100", () => {
    expect(cmsContentQuerySchema.parse({ type: "page" }).limit).toBe(20);
    expect(cmsContentQuerySchema.safeParse({ limit: 101 }).success).toBe(false);
  });
});
