/** Payload shapes of the hook catalogue: what each hook's handlers receive. */
import { z } from "zod";

const metadata = z.record(z.string(), z.unknown()).default({});
const money = z.number().nonnegative();
const currency = z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD");

export const productSchema = z.object({
  id: z.string().optional(),
  title: z.string().min(1),
  description: z.string().optional(),
  sku: z.string().optional(),
  price: money,
  currency,
  inventory: z.number().int().nonnegative().optional(),
  metadata,
});
export type Product = z.infer<typeof productSchema>;

export const orderItemSchema = z.object({
  product_id: z.string(),
  quantity: z.number().int().positive(),
  unit_price: money,
});

export const orderSchema = z.object({
  id: z.string().optional(),
  customer_id: z.string().optional(),
  items: z.array(orderItemSchema).min(1),
  total: money,
  currency,
  status: z.enum(["pending", "paid", "completed", "cancelled"]).optional(),
  metadata,
});
export type Order = z.infer<typeof orderSchema>;

export const paymentSchema = z.object({
  id: z.string().optional(),
  order_id: z.string().optional(),
  amount: money,
  currency,
  method: z.string().optional(),
  status: z.enum(["pending", "authorized", "captured", "failed", "refunded"]).optional(),
  metadata,
});
export type Payment = z.infer<typeof paymentSchema>;

export const userSchema = z.object({
  id: z.string().optional(),
  email: z.email(),
  name: z.string().optional(),
  metadata,
});
export type User = z.infer<typeof userSchema>;

export const credentialsSchema = z.object({
  provider: z.string(),
  identifier: z.string().optional(),
  metadata,
});

export const pluginEventSchema = z.object({
  plugin: z.object({ slug: z.string(), version: z.string() }),
  tenant_id: z.string(),
  reason: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export const productHookData = z.object({ product: productSchema, previous: productSchema.optional() });
export const orderHookData = z.object({ order: orderSchema });
export const paymentHookData = z.object({ payment: paymentSchema, error: z.string().optional() });
export const userHookData = z.object({ user: userSchema });
export const sessionHookData = z.object({ user: userSchema, session_id: z.string().optional() });
export const authHookData = z.object({
  credentials: credentialsSchema,
  user: userSchema.optional(),
  error: z.string().optional(),
});

export type ProductHookData = z.infer<typeof productHookData>;
export type OrderHookData = z.infer<typeof orderHookData>;
export type PaymentHookData = z.infer<typeof paymentHookData>;
export type UserHookData = z.infer<typeof userHookData>;
export type SessionHookData = z.infer<typeof sessionHookData>;
export type AuthHookData = z.infer<typeof authHookData>;
export type PluginEventData = z.infer<typeof pluginEventSchema>;
