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
  type PluginContext,
  type PluginFor,
  type PluginManifest,
  paymentDataSchema,
  paymentResultSchema,
} from "./index.ts";

// The checks on types run when the project type-checks (`tsc`); vitest only sees them pass.
describe("plugin context", () => {
  it("offers exactly what the spec's Plugin Context lists, plus the optional keys of repeatable calls", () => {
    type SpecKeys = "tenant" | "plugin" | "db" | "cache" | "storage" | "http" | "events" | "logger";
    expectTypeOf<keyof PluginContext>().toEqualTypeOf<SpecKeys | "delivery" | "idempotency_key">();
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
    expectTypeOf<PaymentPlugin["handleWebhook"]>().returns.toEqualTypeOf<Promise<void>>();
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
    expect(categoryMethods.payment).toEqual(["processPayment", "capturePayment", "refundPayment", "handleWebhook"]);
  });
});

describe("data crossing the plugin boundary", () => {
  it("hands a payment plugin its payment with an idempotency key and metadata filled in", () => {
    expect(paymentDataSchema.parse({ amount: 10, currency: "USD", idempotency_key: "order-1:pay" })).toEqual({
      amount: 10,
      currency: "USD",
      idempotency_key: "order-1:pay",
      metadata: {},
    });
    expect(paymentDataSchema.safeParse({ amount: 10, currency: "USD" }).success).toBe(false);
  });

  it.each([
    ["a success without a transaction id", { success: true, status: "captured" }],
    ["a failure without an error", { success: false }],
    ["a status the platform does not know", { success: true, transaction_id: "ch_1", status: "settled" }],
  ])("refuses a payment result that is %s", (_, result) => {
    expect(paymentResultSchema.safeParse(result).success).toBe(false);
  });

  it("reads back a payment result as the plugin wrote it", () => {
    const declined: PaymentResult = { success: false, error: { code: "CARD_DECLINED", message: "Declined" } };
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
