/** The commerce API's routes as OpenAPI definitions; each says which hooks it fires, in order. */
import { createRoute, z } from "@hono/zod-openapi";
import { errorBodySchema } from "../errors/index.ts";
import {
  captureBody,
  idempotencyHeader,
  orderCreateBody,
  orderIdParam,
  orderView,
  paymentCreateBody,
  paymentIdParam,
  paymentView,
  productCreateBody,
  productIdParam,
  productListQuery,
  productPage,
  productPatchBody,
  productView,
  refundBody,
  sessionView,
  signInBody,
  signInResult,
  signOutBody,
  userCreateBody,
  userView,
} from "./schemas.ts";

const traced = z.object({
  "x-trace-id": z.string().openapi({
    description: "The request's trace: which plugins' before hooks ran, and the deliveries of the events it caused.",
  }),
});
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
  headers: traced,
});
const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});

const statuses = {
  400: "Bad input: the message names each field",
  401: "No or bad API token, or (sign-in) the auth plugin refused the credentials",
  402: "The payment plugin declined or refused: details.plugin_error has its code, message and decline code",
  403: "Role too low: changes need admin or owner",
  404: "No such record in this store",
  409: "A state conflict, a taken SKU or email, no active plugin for the category, or several, or an Idempotency-Key reused with another body (IDEMPOTENCY_KEY_REUSED)",
  422: "A before hook vetoed (HOOK_VETOED, with the plugin's message), or the input refers to what does not exist",
  502: "A plugin failed, or answered with an invalid result",
  504: "A plugin did not answer in time",
} as const;
const errors = (...codes: (keyof typeof statuses)[]) =>
  Object.fromEntries([401, 403, ...codes].map((s) => [s, json(errorBodySchema, statuses[s as keyof typeof statuses])]));
const hooked = errors(400, 422, 502, 504);
const security = [{ Bearer: [] }];

const route = <const R extends Parameters<typeof createRoute>[0]>(tag: string, r: R) =>
  createRoute({ ...r, tags: [tag], security });

export const createProduct = route("Products", {
  method: "post",
  path: "/products",
  summary: "Create a product",
  description: "Fires before_product_create (may change or veto), then after_product_create with the insert.",
  request: body(productCreateBody),
  responses: { 201: json(productView, "Created"), ...hooked, ...errors(409) },
});

export const listProducts = route("Products", {
  method: "get",
  path: "/products",
  summary: "List products",
  description: "Oldest first, a page at a time: pass next_cursor as cursor for the next page.",
  request: { query: productListQuery },
  responses: { 200: json(productPage, "A page of products"), ...errors(400) },
});

export const getProduct = route("Products", {
  method: "get",
  path: "/products/{id}",
  summary: "Get a product",
  request: { params: productIdParam },
  responses: { 200: json(productView, "The product"), ...errors(404) },
});

export const updateProduct = route("Products", {
  method: "patch",
  path: "/products/{id}",
  summary: "Update a product",
  description:
    "Fires before_product_update with the merged product and the previous one (may change or veto), then after_product_update.",
  request: { params: productIdParam, ...body(productPatchBody) },
  responses: { 200: json(productView, "Updated"), ...hooked, ...errors(404, 409) },
});

export const createOrder = route("Orders", {
  method: "post",
  path: "/orders",
  summary: "Place an order",
  description:
    "Prices each line at the product's current price and computes the total; fires before_order_create (may change or veto), then after_order_create.",
  request: body(orderCreateBody),
  responses: { 201: json(orderView, "Placed, pending"), ...hooked },
});

export const getOrder = route("Orders", {
  method: "get",
  path: "/orders/{id}",
  summary: "Get an order",
  request: { params: orderIdParam },
  responses: { 200: json(orderView, "The order with its lines"), ...errors(404) },
});

export const completeOrder = route("Orders", {
  method: "post",
  path: "/orders/{id}/complete",
  summary: "Complete an order",
  description: "From pending or paid. Fires before_order_complete (may veto), then after_order_complete.",
  request: { params: orderIdParam },
  responses: { 200: json(orderView, "Completed"), ...hooked, ...errors(404, 409) },
});

const optionalBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: false },
});
const replayed = z.object({
  "idempotent-replayed": z.literal("true").optional().openapi({
    description: "Present on the replay of an earlier request with the same Idempotency-Key and body.",
  }),
});
const paymentJson = (description: string) => ({
  content: { "application/json": { schema: paymentView } },
  description,
  headers: traced.extend(replayed.shape),
});

export const processPayment = route("Payments", {
  method: "post",
  path: "/payments",
  summary: "Process a payment",
  description:
    "Amounts are integers in the currency's minor units (1250 is 12.50 USD, 500 is 500 JPY, 1250 is 1.250 KWD). Fires before_payment_process (may change or veto), stores the payment pending, calls the active payment plugin's processPayment with the payment's id and an idempotency key, then applies its answer: after_payment_success when it is authorized or captured (201), after_payment_failure and 402 when declined, 202 while pending (next_action says what the customer must do, e.g. 3-D Secure; without one the provider's outcome is not known yet and the payment settles from its webhook or POST /payments/{id}/refresh). A repeated Idempotency-Key with the same body replays the first answer (same status and body, Idempotent-Replayed: true); with another body 409 IDEMPOTENCY_KEY_REUSED.",
  request: { headers: idempotencyHeader, ...body(paymentCreateBody) },
  responses: {
    201: paymentJson("Authorized or captured"),
    202: paymentJson(
      "Pending: the customer must act (next_action), or the outcome is being confirmed with the provider",
    ),
    ...hooked,
    ...errors(402, 404, 409),
  },
});

export const getPayment = route("Payments", {
  method: "get",
  path: "/payments/{id}",
  summary: "Get a payment",
  request: { params: paymentIdParam },
  responses: { 200: json(paymentView, "The payment"), ...errors(404) },
});

export const capturePayment = route("Payments", {
  method: "post",
  path: "/payments/{id}/capture",
  summary: "Capture an authorized payment, in full or in part",
  description:
    "Through the payment's plugin (capturePayment, key capture:<tenant>:<payment>). Without a body captures all that was authorized; with amount less (the provider may release the rest). Capturing a captured payment changes nothing (Idempotent-Replayed: true). 202 when the provider's outcome is not known yet.",
  request: { params: paymentIdParam, headers: idempotencyHeader, ...optionalBody(captureBody) },
  responses: {
    200: paymentJson("Captured"),
    202: paymentJson("The outcome is being confirmed with the provider"),
    ...errors(400, 402, 404, 409, 502, 504),
  },
});

export const cancelPayment = route("Payments", {
  method: "post",
  path: "/payments/{id}/cancel",
  summary: "Cancel a pending or authorized payment",
  description:
    "Through the payment's plugin (cancelPayment, key cancel:<tenant>:<payment>): the authorization is released and nothing is charged. Canceling a canceled payment changes nothing; a captured one is refunded instead.",
  request: { params: paymentIdParam, headers: idempotencyHeader },
  responses: {
    200: paymentJson("Canceled"),
    202: paymentJson("The outcome is being confirmed with the provider"),
    ...errors(402, 404, 409, 502, 504),
  },
});

export const refundPayment = route("Payments", {
  method: "post",
  path: "/payments/{id}/refund",
  summary: "Refund a captured payment, in full or in part",
  description:
    "Through the payment's plugin (refundPayment, key refund:<tenant>:<payment>:<Idempotency-Key>); the whole remainder unless amount says less. Partial refunds add up: the payment stays captured, with refunded_amount, until they reach captured_amount, then it is refunded. Send an Idempotency-Key to make a retry safe.",
  request: { params: paymentIdParam, headers: idempotencyHeader, ...optionalBody(refundBody) },
  responses: {
    200: paymentJson("Refunded, in part or in full"),
    202: paymentJson("The outcome is being confirmed with the provider"),
    ...errors(400, 402, 404, 409, 502, 504),
  },
});

export const refreshPayment = route("Payments", {
  method: "post",
  path: "/payments/{id}/refresh",
  summary: "Reconcile a payment with its provider",
  description:
    "Asks the payment's plugin where the payment stands (retrievePayment) and applies it, as its webhook would: after the customer completed 3-D Secure, or after an indeterminate error. Hooks fire once whichever of refresh and webhook comes first.",
  request: { params: paymentIdParam },
  responses: { 200: json(paymentView, "The payment as its provider reports it"), ...errors(404, 409, 502, 504) },
});

export const createUser = route("Users", {
  method: "post",
  path: "/users",
  summary: "Create a user",
  description: "Fires before_user_create (may change or veto), then after_user_create.",
  request: body(userCreateBody),
  responses: { 201: json(userView, "Created"), ...hooked, ...errors(409) },
});

export const signIn = route("Auth", {
  method: "post",
  path: "/auth/sign-in",
  summary: "Sign a user in through the active auth plugin",
  description:
    "Fires before_authenticate (may veto), calls the auth plugin's authenticate, then opens a session with after_authenticate and user_login, or fires authentication_failed and answers 401.",
  request: body(signInBody),
  responses: { 201: json(signInResult, "Signed in"), ...hooked, ...errors(409) },
});

export const signOut = route("Auth", {
  method: "post",
  path: "/auth/sign-out",
  summary: "Sign a session out",
  description: "Revokes the session and fires user_logout; signing out a revoked session changes nothing.",
  request: body(signOutBody),
  responses: { 200: json(sessionView, "Revoked"), ...errors(400, 404) },
});
