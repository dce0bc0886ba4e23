/** Payload shapes of the hook catalogue: what each hook's handlers receive. */
import { z } from "zod";

const metadata = z.record(z.string(), z.unknown()).default({});

/**
 * What an amount must be, in the words a client reads in a 400: money is an integer count of the
 * currency's smallest unit (ISO 4217 exponent), never a float, so JPY is never charged 100 times.
 */
export const MINOR_UNITS_RULE =
  "must be an integer in the currency's minor units (USD: cents, 12.50 USD is 1250; JPY: yen, 500 JPY is 500; KWD: fils, 1.250 KWD is 1250)";

/**
 * An amount of money in the currency's minor units: a non-negative safe integer.
 *
 * @example
 * minorUnitsSchema.parse(1250); // 12.50 USD, 1250 JPY or 1.250 KWD, as the currency says
 * minorUnitsSchema.safeParse(12.5).success; // false: the message says what the unit is
 */
export const minorUnitsSchema = z
  .number({ error: MINOR_UNITS_RULE })
  .int({ error: MINOR_UNITS_RULE })
  .nonnegative({ error: "must not be negative" });

/**
 * An ISO 4217 currency code, three capital letters.
 *
 * @example
 * currencySchema.parse("JPY");
 */
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code in capitals, such as USD");

const money = minorUnitsSchema;
const currency = currencySchema;

export const productSchema = z.object({
  id: z.string().optional(),
  title: z.string().min(1),
  description: z.string().optional(),
  sku: z.string().optional(),
  price: money,
  currency,
  inventory: z.number().int().nonnegative().optional(),
  metadata,
  /**
   * When the product last changed, in the notification hooks (after_product_create/update): a
   * consumer that keeps a copy ignores a delivery older than the copy it holds, since the queue may
   * run a retried create after a later update. Absent in before hooks (nothing is stored yet).
   */
  updated_at: z.iso.datetime({ offset: true }).optional(),
});
export type Product = z.infer<typeof productSchema>;

export const orderItemSchema = z.object({
  product_id: z.string(),
  /** The product's title and SKU when the order was placed, kept with the line. */
  title: z.string().optional(),
  sku: z.string().optional(),
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

/**
 * A payment's state machine: `pending` (the customer must act, or the provider is still
 * deciding) → `authorized` → `captured` → `refunded` once refunds add up to what was captured;
 * `failed` (declined) and `canceled` end it.
 *
 * @example
 * paymentStatusSchema.options; // ["pending", "authorized", "captured", "refunded", "failed", "canceled"]
 */
export const paymentStatusSchema = z.enum(["pending", "authorized", "captured", "refunded", "failed", "canceled"]);
export type PaymentStatus = z.infer<typeof paymentStatusSchema>;

export const paymentSchema = z.object({
  id: z.string().optional(),
  order_id: z.string().optional(),
  /** What is charged (authorized), in the currency's minor units. */
  amount: money,
  currency,
  method: z.string().optional(),
  status: paymentStatusSchema.optional(),
  /** Of `amount`, what was captured; a partial capture releases the rest. */
  captured_amount: money.optional(),
  /** Of `captured_amount`, what was refunded so far. */
  refunded_amount: money.optional(),
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
