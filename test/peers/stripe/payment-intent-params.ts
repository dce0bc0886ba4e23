/**
 * The parameters the PaymentIntent endpoints take, as Stripe documents them
 * (https://docs.stripe.com/api/payment_intents). Anything else is refused with `parameter_unknown`,
 * so a typo in a plugin fails here as it would against Stripe. `payment_method_types` is taken only
 * from API versions that still have it (payment-method-types.ts).
 */
import { z } from "zod";
import { boolean, hash, integer, metadata, oneOf, text, textList, unsettableText } from "./params.ts";

const captureMethod = oneOf(["automatic", "automatic_async", "manual"] as const);
const setupFutureUsage = oneOf(["off_session", "on_session"] as const);

const automaticPaymentMethods = hash({
  enabled: boolean(),
  allow_redirects: oneOf(["always", "never"] as const).optional(),
});

/** Card options are accepted and not acted on (the test cards decide 3-D Secure themselves). */
const paymentMethodOptions = hash({
  card: hash({
    request_three_d_secure: oneOf(["any", "automatic", "challenge"] as const).optional(),
    capture_method: oneOf(["manual"] as const).optional(),
    setup_future_usage: oneOf(["none", "off_session", "on_session"] as const).optional(),
  }).optional(),
});

export const createParams = z.strictObject({
  amount: integer(),
  currency: text(3),
  allowed_payment_method_types: textList().optional(),
  excluded_payment_method_types: textList().optional(),
  automatic_payment_methods: automaticPaymentMethods.optional(),
  capture_method: captureMethod.optional(),
  confirm: boolean().optional(),
  confirmation_method: oneOf(["automatic", "manual"] as const).optional(),
  customer: text().optional(),
  description: text(1000).optional(),
  error_on_requires_action: boolean().optional(),
  expand: textList().optional(),
  metadata: metadata().optional(),
  off_session: boolean().optional(),
  payment_method: text().optional(),
  payment_method_options: paymentMethodOptions.optional(),
  payment_method_types: textList().optional(),
  receipt_email: text().optional(),
  return_url: text().optional(),
  setup_future_usage: setupFutureUsage.optional(),
  statement_descriptor: text(22).optional(),
  statement_descriptor_suffix: text(22).optional(),
});

export const updateParams = z.strictObject({
  allowed_payment_method_types: textList().optional(),
  excluded_payment_method_types: textList().optional(),
  amount: integer().optional(),
  currency: text(3).optional(),
  capture_method: captureMethod.optional(),
  customer: text().optional(),
  description: unsettableText(1000).optional(),
  expand: textList().optional(),
  metadata: metadata().optional(),
  payment_method: text().optional(),
  payment_method_types: textList().optional(),
  receipt_email: unsettableText().optional(),
  setup_future_usage: setupFutureUsage.optional(),
  statement_descriptor: unsettableText(22).optional(),
  statement_descriptor_suffix: unsettableText(22).optional(),
});

export const confirmParams = z.strictObject({
  allowed_payment_method_types: textList().optional(),
  excluded_payment_method_types: textList().optional(),
  capture_method: captureMethod.optional(),
  error_on_requires_action: boolean().optional(),
  expand: textList().optional(),
  off_session: boolean().optional(),
  payment_method: text().optional(),
  payment_method_options: paymentMethodOptions.optional(),
  payment_method_types: textList().optional(),
  receipt_email: text().optional(),
  return_url: text().optional(),
  setup_future_usage: setupFutureUsage.optional(),
  use_stripe_sdk: boolean().optional(),
});

export const captureParams = z.strictObject({
  amount_to_capture: integer().optional(),
  expand: textList().optional(),
  final_capture: boolean().optional(),
  metadata: metadata().optional(),
  statement_descriptor: text(22).optional(),
  statement_descriptor_suffix: text(22).optional(),
});

export const cancelParams = z.strictObject({
  cancellation_reason: oneOf(["duplicate", "fraudulent", "requested_by_customer", "abandoned"] as const).optional(),
  expand: textList().optional(),
});

export const retrieveParams = z.strictObject({
  client_secret: text().optional(),
  expand: textList().optional(),
});

export type CreateParams = z.output<typeof createParams>;
export type UpdateParams = z.output<typeof updateParams>;
export type ConfirmParams = z.output<typeof confirmParams>;
export type CaptureParams = z.output<typeof captureParams>;
export type CancelParams = z.output<typeof cancelParams>;
