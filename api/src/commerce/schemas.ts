/**
 * Request and response shapes of the commerce API, built from the SDK's hook payload schemas so
 * what a client sends, what a plugin's hook receives and what the OpenAPI document shows agree.
 */
import { orderItemSchema, orderSchema, paymentSchema, productSchema, userSchema } from "@digital-commerce/plugin-sdk";
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
      "Repeating a request with the same key answers with the first request's outcome instead of charging or refunding again.",
    example: "checkout-7f3a",
  }),
});

// --- products ----------------------------------------------------------------------------------

export const productView = productSchema
  .extend({ id: z.string(), created_at: timestamp, updated_at: timestamp })
  .openapi("Product");
export type ProductView = z.infer<typeof productView>;

export const productCreateBody = productSchema
  .omit({ id: true })
  .strict()
  .openapi("ProductInput", { example: { title: "T-shirt", price: 19.99, currency: "USD", sku: "TS-1", metadata: {} } });

// metadata without a default: a PATCH that leaves it out keeps the stored metadata
export const productPatchBody = productSchema
  .omit({ id: true, metadata: true })
  .partial()
  .extend({ metadata: metadata.optional() })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: "send at least one field to change" })
  .openapi("ProductPatch", { example: { price: 17.5 } });

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
    amount: z.number().positive().optional().openapi({ description: "Defaults to the order's total." }),
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
  .object({ amount: z.number().positive().optional().openapi({ description: "Defaults to what is left to refund." }) })
  .strict()
  .openapi("RefundInput");

export const paymentView = paymentSchema
  .extend({
    id: z.string(),
    order_id: z.string().nullable(),
    provider: z.string(),
    transaction_id: z.string().nullable(),
    method: z.string().nullable(),
    status: z.enum(["pending", "authorized", "captured", "failed", "refunded"]),
    refunded_amount: z.number(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
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
