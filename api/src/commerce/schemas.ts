/**
 * Request and response shapes of the commerce API, built from the SDK's hook payload schemas so
 * what a client sends, what a plugin's hook receives and what the OpenAPI document shows agree.
 */
import {
  MINOR_UNITS_RULE,
  orderItemSchema,
  orderSchema,
  paymentDataSchema,
  paymentFailureSchema,
  paymentNextActionSchema,
  paymentSchema,
  paymentStatusSchema,
  productSchema,
  userSchema,
} from "@digital-commerce/plugin-sdk";
import { z } from "@hono/zod-openapi";

const metadata = z.record(z.string(), z.unknown());
const timestamp = z.string().openapi({ example: "2026-11-26T10:00:00.000Z" });
const id = (name: string, example: string) =>
  z.object({ id: z.string().openapi({ param: { name, in: "path" }, example }) });

export const productIdParam = id("id", "prod_0b7c4b4e");
export const orderIdParam = id("id", "ord_5f1d2a9c");
export const paymentIdParam = id("id", "pay_8e3a7c21");

export const idempotencyHeader = z.object({
  "idempotency-key": z.string().min(1).max(255).optional().openapi({
    description:
      "Repeating a request with the same key and the same body replays the first answer (same status and body, `Idempotent-Replayed: true`) instead of charging, capturing or refunding again; the same key with another body is refused with 409 IDEMPOTENCY_KEY_REUSED.",
    example: "checkout-7f3a",
  }),
});

/**
 * An SDK schema to document here. zod gives an instance the `.openapi` that @hono/zod-openapi adds
 * only when it is made after that extension; in a bundle that evaluates the SDK first (the
 * consumer Worker imports applyPaymentUpdate) its schemas have none, so a documented one is a copy.
 */
const sdkSchema = <T extends z.ZodType>(schema: T): T => schema.clone();

/** Every amount of the commerce API: an integer in the currency's minor units. */
const amountDoc = `An integer in the currency's minor units: 1250 is 12.50 USD, 500 is 500 JPY, 1250 is 1.250 KWD (${MINOR_UNITS_RULE.replace("must be ", "")}).`;
const positiveAmount = paymentDataSchema.shape.amount;

// --- products ----------------------------------------------------------------------------------

export const productView = productSchema
  .extend({
    id: z.string(),
    price: sdkSchema(productSchema.shape.price).openapi({ description: amountDoc, example: 1999 }),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("Product");
export type ProductView = z.infer<typeof productView>;

export const productCreateBody = productSchema
  .omit({ id: true })
  .strict()
  .openapi("ProductInput", { example: { title: "T-shirt", price: 1999, currency: "USD", sku: "TS-1", metadata: {} } });

// metadata without a default: a PATCH that leaves it out keeps the stored metadata
export const productPatchBody = productSchema
  .omit({ id: true, metadata: true })
  .partial()
  .extend({ metadata: metadata.optional() })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: "send at least one field to change" })
  .openapi("ProductPatch", { example: { price: 1750 } });

export const productListQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ param: { name: "limit", in: "query" }, example: 20 }),
  cursor: z
    .string()
    .optional()
    .openapi({ param: { name: "cursor", in: "query" }, description: "The next_cursor of the previous page." }),
});

export const productPage = z
  .object({ products: z.array(productView), next_cursor: z.string().nullable() })
  .openapi("ProductPage");

// --- orders ------------------------------------------------------------------------------------

export const orderCreateBody = z
  .object({
    customer_id: z.string().min(1).optional(),
    items: z
      .array(orderItemSchema.pick({ product_id: true, quantity: true }).strict())
      .min(1)
      .max(100)
      .openapi({ description: "Each line is charged at the product's current price." }),
    metadata: metadata.default({}),
  })
  .strict()
  .openapi("OrderInput", { example: { items: [{ product_id: "prod_0b7c4b4e", quantity: 2 }], metadata: {} } });

export const orderView = orderSchema
  .extend({
    id: z.string(),
    total: sdkSchema(orderSchema.shape.total).openapi({
      description: `The lines' sum, or what a before hook set. ${amountDoc}`,
    }),
    status: z.enum(["pending", "paid", "completed", "cancelled"]),
    created_at: timestamp,
    updated_at: timestamp,
    completed_at: timestamp.nullable(),
  })
  .openapi("Order");
export type OrderView = z.infer<typeof orderView>;

// --- payments ----------------------------------------------------------------------------------

export const paymentCreateBody = z
  .object({
    order_id: z.string().min(1).optional(),
    amount: positiveAmount.optional().openapi({ description: `${amountDoc} Defaults to the order's total.` }),
    currency: paymentSchema.shape.currency.optional().openapi({ description: "Defaults to the order's currency." }),
    method: z.string().min(1).optional().openapi({ example: "card" }),
    provider: z.string().optional().openapi({
      description: "The payment plugin to use; needed only when several are active.",
      example: "stripe-gateway",
    }),
    metadata: metadata.default({}),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.order_id !== undefined) return;
    if (body.amount === undefined)
      ctx.addIssue({ code: "custom", path: ["amount"], message: "is required without an order_id" });
    if (body.currency === undefined)
      ctx.addIssue({ code: "custom", path: ["currency"], message: "is required without an order_id" });
  })
  .openapi("PaymentInput", { example: { order_id: "ord_5f1d2a9c", method: "card" } });

export const refundBody = z
  .object({
    amount: positiveAmount
      .optional()
      .openapi({ description: `${amountDoc} Defaults to what is left to refund (captured less refunded).` }),
  })
  .strict()
  .openapi("RefundInput", { example: { amount: 500 } });

export const captureBody = z
  .object({
    amount: positiveAmount.optional().openapi({
      description: `${amountDoc} Defaults to all that was authorized; less is a partial capture (the provider may release the rest).`,
    }),
  })
  .strict()
  .openapi("CaptureInput", { example: { amount: 800 } });

const minorUnits = () => sdkSchema(paymentSchema.shape.amount);

export const paymentView = paymentSchema
  .extend({
    id: z.string(),
    order_id: z.string().nullable(),
    provider: z.string(),
    transaction_id: z.string().nullable().openapi({ description: "The provider's id; null until it answered." }),
    amount: minorUnits().openapi({ description: `Authorized (asked). ${amountDoc}`, example: 1250 }),
    captured_amount: minorUnits().openapi({ description: "Of amount, what was captured.", example: 1250 }),
    refunded_amount: minorUnits().openapi({
      description: "Of captured_amount, what was refunded; refunded once it reaches captured_amount.",
      example: 0,
    }),
    method: z.string().nullable(),
    status: sdkSchema(paymentStatusSchema).openapi({
      description:
        "pending (the customer must act: see next_action; or the outcome is being confirmed with the provider) → authorized → captured → refunded; or failed (declined: see error) or canceled.",
    }),
    next_action: paymentNextActionSchema.nullable().openapi({
      description:
        "While pending: what the storefront needs to let the customer continue (3-D Secure): a client secret for the provider's SDK, or a page to redirect to. Then POST /payments/{id}/refresh, or wait for the provider's webhook.",
    }),
    error: paymentFailureSchema.pick({ code: true, message: true, decline_code: true }).nullable().openapi({
      description:
        "Why it failed (the plugin's code and message, the issuer's decline code), or the provider's last error while pending.",
    }),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("Payment");
export type PaymentView = z.infer<typeof paymentView>;

// --- users and sessions ------------------------------------------------------------------------

export const userCreateBody = userSchema
  .omit({ id: true })
  .strict()
  .openapi("UserInput", { example: { email: "ada@example.com", name: "Ada Lovelace", metadata: {} } });

export const userView = userSchema.extend({ id: z.string(), created_at: timestamp }).openapi("User");
export type UserView = z.infer<typeof userView>;

export const signInBody = z
  .object({
    provider: z
      .string()
      .optional()
      .openapi({ description: "The auth plugin to use; needed only when several are active.", example: "test-auth" }),
    credentials: metadata.openapi({
      description:
        "Passed to the auth plugin's authenticate as they are (a password, an OAuth code). Hooks see only the provider, the identifier (email or username) and metadata.",
      example: { email: "ada@example.com", password: "correct horse" },
    }),
  })
  .strict()
  .openapi("SignInInput");

export const sessionView = z
  .object({
    id: z.string(),
    provider: z.string(),
    provider_user_id: z.string(),
    user_id: z.string().nullable(),
    email: z.string(),
    created_at: timestamp,
    expires_at: timestamp.nullable(),
    revoked_at: timestamp.nullable(),
  })
  .openapi("Session");
export type SessionView = z.infer<typeof sessionView>;

export const signInResult = z
  .object({
    session: sessionView,
    user: z.object({
      id: z.string(),
      email: z.string().optional(),
      name: z.string().optional(),
      roles: z.array(z.string()).optional(),
    }),
    token: z.string(),
    refresh_token: z.string().optional(),
    expires_at: z.string().optional(),
  })
  .openapi("SignInResult");

export const signOutBody = z
  .object({ session_id: z.string().min(1) })
  .strict()
  .openapi("SignOutInput");
