/** The commerce API's routes as OpenAPI definitions; each says which hooks it fires, in order. */
import { createRoute, z } from "@hono/zod-openapi";
import { errorBodySchema } from "../errors/index.ts";
import {
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
  402: "The payment plugin declined or refused: details.plugin_error has its code and message",
  403: "Role too low: changes need admin or owner",
  404: "No such record in this store",
  409: "A state conflict, a taken SKU or email, no active plugin for the category, or several",
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

export const processPayment = route("Payments", {
  method: "post",
  path: "/payments",
  summary: "Process a payment",
  description:
    "Fires before_payment_process (may change or veto), calls the active payment plugin's processPayment, then records the payment with after_payment_success, or after_payment_failure and 402. A repeated Idempotency-Key answers with the first outcome (200, Idempotent-Replayed: true).",
  request: { headers: idempotencyHeader, ...body(paymentCreateBody) },
  responses: {
    201: json(paymentView, "Authorized or captured"),
    200: json(paymentView, "The payment of an earlier request with the same Idempotency-Key"),
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
  summary: "Capture an authorized payment",
  description: "Through the payment's plugin (capturePayment). Capturing a captured payment changes nothing.",
  request: { params: paymentIdParam },
  responses: { 200: json(paymentView, "Captured"), ...errors(402, 404, 409, 502, 504) },
});

export const refundPayment = route("Payments", {
  method: "post",
  path: "/payments/{id}/refund",
  summary: "Refund a captured payment",
  description:
    "Through the payment's plugin (refundPayment); the whole remainder unless amount says less. Send an Idempotency-Key to make a retry safe.",
  request: {
    params: paymentIdParam,
    headers: idempotencyHeader,
    body: { content: { "application/json": { schema: refundBody } }, required: false },
  },
  responses: { 200: json(paymentView, "Refunded, in part or in full"), ...errors(400, 402, 404, 409, 502, 504) },
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
